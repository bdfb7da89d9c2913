/**
 * Table requests in the cost estimate: `tableReads` / `tableWrites` per request in a function's
 * `traffic:` price DynamoDB on-demand read and write request units on AWS (catalog `aws.json`),
 * Table Storage transactions on both Azure options (`azure.json`) and Firestore document reads
 * and writes, after the daily free quota, on GCP (`gcp.json`). None of them is "not estimated" now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCatalogs } from '../../src/cost/catalog.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { estimate } from '../../src/cost/estimate.js';
import { applyRateOverrides } from '../../src/cost/rates-override.js';
import { renderTable } from '../../src/cost/render-text.js';
import type { LineItem } from '../../src/cost/result.js';
import { runCli } from '../support/cli.js';
import { profile } from './helpers.js';

const cats = defaultCatalogs();
const T = 730 * 3600;
const tables = (items: LineItem[]) => items.filter((i) => i.kind === 'table');

describe('DynamoDB on-demand requests in the AWS estimate', () => {
  it('2M requests x 2 reads + 1 write: 4M RRU x $0.125/M = $0.50 and 2M WRU x $0.625/M = $1.25, on both architectures', () => {
    const p = profile({ function: 'api', requestsPerMonth: 2e6, durationMs: 50, memoryMb: 512, events: { http: false, table: { readsPerRequest: 2, writesPerRequest: 1 } } });
    const est = estimate([p], cats, { targets: ['aws'] });
    for (const row of est.rows) {
      expect(tables(row.items)).toEqual([
        { kind: 'table', label: 'DynamoDB on-demand reads', quantity: 4e6, unit: 'read request units', freeQuantity: 0, freeValue: 0, exact: 0.5, amount: 0.5, rates: ['aws.dynamodbReadPerMillion'] },
        { kind: 'table', label: 'DynamoDB on-demand writes', quantity: 2e6, unit: 'write request units', freeQuantity: 0, freeValue: 0, exact: 1.25, amount: 1.25, rates: ['aws.dynamodbWritePerMillion'] },
      ]);
    }
    // The table lines are part of the total (no free tier for on-demand requests).
    const arm = est.rows.find((r) => r.option === 'aws-arm64')!;
    expect(arm.total).toBe(Number(arm.items.reduce((s, i) => s + i.amount, 0).toFixed(2)));
    expect(est.totals.find((t) => t.option === 'aws-arm64')!.items.find((i) => i.kind === 'table')).toEqual({ kind: 'table', exact: 1.75, amount: 1.75 });
  });

  it('the rates come from the catalog (the November 2024 on-demand prices), and --rates overrides them', () => {
    expect(cats.aws.rates.dynamodbReadPerMillion.value).toBe(0.125);
    expect(cats.aws.rates.dynamodbWritePerMillion.value).toBe(0.625);
    expect(cats.aws.rates.dynamodbWritePerMillion.source).toMatch(/^https:\/\/aws\.amazon\.com\/dynamodb\/pricing\/on-demand\//);
    const p = profile({ requestsPerMonth: 1e6, events: { http: false, table: { readsPerRequest: 0, writesPerRequest: 4 } } });
    const old = applyRateOverrides(cats, { aws: { dynamodbWritePerMillion: 1.25 } }, 'rates.json');
    const item = (c: typeof cats) => tables(estimate([p], c, { targets: ['aws'], arch: 'arm64' }).rows[0]!.items);
    expect(item(cats)).toEqual([expect.objectContaining({ label: 'DynamoDB on-demand writes', quantity: 4e6, amount: 2.5 })]);
    expect(item(old)).toEqual([expect.objectContaining({ label: 'DynamoDB on-demand writes', quantity: 4e6, amount: 5 })]);
  });

  it('no table traffic, no table line on any option; with it, every option prices its table line (none is n/e)', () => {
    const none = estimate([profile()], cats, {});
    expect(none.rows.flatMap((r) => tables(r.items))).toEqual([]);
    const p = profile({ events: { http: false, table: { readsPerRequest: 1, writesPerRequest: 1 } } });
    const est = estimate([p], cats, { freeTier: false });
    for (const row of est.rows) {
      const t = tables(row.items);
      expect(t.length, row.option).toBeGreaterThan(0);
      for (const item of t) {
        expect(item.notEstimated, `${row.option} ${item.label}`).toBeUndefined();
        expect(item.amount, `${row.option} ${item.label}`).toBeGreaterThan(0);
        expect(item.rates.length, `${row.option} ${item.label}`).toBeGreaterThan(0);
      }
    }
    // 2M transactions x $0.00036/10k = $0.072 -> $0.07 in "other"; no n/e left in the table.
    const text = renderTable(est, T);
    expect(text).toContain('"other" = API gateway, queue, scheduler, storage, table requests');
    expect(text).toMatch(/fn +Azure Flex +\S+ +\S+ +- +0\.07 /);
    expect(text).not.toMatch(/^fn .*n\/e/m);
    expect(text).toContain('table 1 reads + 1 writes/request');
  });
});

describe('Azure Table Storage transactions in the Azure estimate', () => {
  it('3M requests x 2 reads + 1 write: 9M transactions x $0.00036/10k = $0.324 -> $0.32, on Consumption and Flex alike, no free grant', () => {
    // 3M x (2 + 1) = 9,000,000 transactions; 9,000,000 / 10,000 = 900 x $0.00036 = $0.324.
    const p = profile({ function: 'api', requestsPerMonth: 3e6, durationMs: 50, memoryMb: 512, warm: 1, events: { http: false, table: { readsPerRequest: 2, writesPerRequest: 1 } } });
    const est = estimate([p], cats, { targets: ['azure'] });
    expect(est.rows.map((r) => r.option)).toEqual(['azure-consumption', 'azure-flex', 'azure-flex-ready']);
    for (const row of est.rows) {
      const [t, ...rest] = tables(row.items);
      expect(rest).toEqual([]);
      expect(t!.kind).toBe('table');
      expect(t!.label).toBe('Table Storage transactions');
      expect(t!.quantity).toBe(9e6);
      expect(t!.unit).toBe('transactions (reads + writes)');
      expect(t!.exact).toBeCloseTo(0.324, 12);
      expect(t!.amount).toBe(0.32);
      expect([t!.freeQuantity, t!.freeValue]).toEqual([0, 0]);
      expect(t!.rates).toEqual(['azure.tableTransactionsPer10k']);
      expect(t).not.toHaveProperty('notEstimated');
    }
    // The same with --no-free-tier: Table Storage has no free grant to lose.
    const list = estimate([p], cats, { targets: ['azure'], freeTier: false });
    expect(list.rows.map((r) => tables(r.items)[0]!.amount)).toEqual([0.32, 0.32, 0.32]);
    // In the option total (exact sum, then rounded).
    expect(est.totals.find((t) => t.option === 'azure-flex')!.items.find((i) => i.kind === 'table')!.amount).toBe(0.32);
  });

  it('the rate comes from the catalog, with its source, and --rates overrides it', () => {
    expect(cats.azure.rates.tableTransactionsPer10k.value).toBe(0.00036);
    expect(cats.azure.rates.tableTransactionsPer10k.source).toMatch(/^https:\/\/azure\.microsoft\.com\/pricing\/details\/storage\/tables\//);
    expect(cats.azure.rates.tableTransactionsPer10k.tag).toBe('S');
    const p = profile({ requestsPerMonth: 1e6, events: { http: false, table: { readsPerRequest: 0, writesPerRequest: 5 } } });
    const dear = applyRateOverrides(cats, { azure: { tableTransactionsPer10k: 0.0036 } }, 'rates.json');
    expect(dear.overridden).toEqual(['azure.tableTransactionsPer10k']);
    const amount = (c: typeof cats) => tables(estimate([p], c, { targets: ['azure'] }).rows[0]!.items)[0]!.amount;
    // 5M transactions: 500 x $0.00036 = $0.18; at ten times the rate $1.80.
    expect([amount(cats), amount(dear)]).toEqual([0.18, 1.8]);
  });
});

describe('Firestore document reads and writes in the GCP estimate', () => {
  // The catalog month is 730 h = 30.41666... days, so the daily free quota gives a month of
  // 50,000 x 730/24 = 1,520,833.33 reads and 20,000 x 730/24 = 608,333.33 writes.
  const freeReads = (50_000 * 730) / 24;
  const freeWrites = (20_000 * 730) / 24;

  it('3M requests x 2 reads + 1 write, free tier applied: 6M reads and 3M writes less the monthly free quota', () => {
    // Reads:  6,000,000 - 1,520,833.33 = 4,479,166.67 x $0.03/100k = $1.34375 -> $1.34 (free: $0.45625)
    // Writes: 3,000,000 -   608,333.33 = 2,391,666.67 x $0.09/100k = $2.15250 -> $2.15 (free: $0.5475)
    // Table total: $1.34375 + $2.1525 = $3.49625 -> $3.50 in the option total (summed unrounded).
    const p = profile({ function: 'api', requestsPerMonth: 3e6, durationMs: 50, memoryMb: 512, events: { http: false, table: { readsPerRequest: 2, writesPerRequest: 1 } } });
    const est = estimate([p], cats, { targets: ['gcp'] });
    const [reads, writes, ...rest] = tables(est.rows[0]!.items);
    expect(rest).toEqual([]);
    expect(reads).toMatchObject({ kind: 'table', label: 'Firestore document reads', unit: 'document reads', amount: 1.34, rates: ['gcp.firestoreReadsPer100k', 'gcp.firestoreFreeReadsPerDay', 'common.hoursPerMonth'] });
    expect(reads!.quantity).toBeCloseTo(6e6 - freeReads, 6);
    expect(reads!.quantity).toBeCloseTo(4_479_166.667, 3);
    expect(reads!.freeQuantity).toBeCloseTo(1_520_833.333, 3);
    expect(reads!.exact).toBeCloseTo(1.34375, 12);
    expect(reads!.freeValue).toBeCloseTo(0.45625, 12);
    expect(writes).toMatchObject({ kind: 'table', label: 'Firestore document writes', unit: 'document writes (deletes counted as writes)', amount: 2.15, rates: ['gcp.firestoreWritesPer100k', 'gcp.firestoreFreeWritesPerDay', 'common.hoursPerMonth'] });
    expect(writes!.quantity).toBeCloseTo(3e6 - freeWrites, 6);
    expect(writes!.freeQuantity).toBeCloseTo(608_333.333, 3);
    expect(writes!.exact).toBeCloseTo(2.1525, 12);
    expect(writes!.freeValue).toBeCloseTo(0.5475, 12);
    for (const t of [reads, writes]) expect(t).not.toHaveProperty('notEstimated');
    expect(est.totals[0]!.items.find((i) => i.kind === 'table')!.amount).toBe(3.5);
    // The free value counts in the row's "free used" with the Cloud Run free tier's.
    const row = est.rows[0]!;
    expect(row.freeTierValue).toBe(Number(row.items.reduce((s, i) => s + i.freeValue, 0).toFixed(2)));
  });

  it('with --no-free-tier: 6M reads x $0.03/100k = $1.80, 3M writes x $0.09/100k = $2.70', () => {
    const p = profile({ function: 'api', requestsPerMonth: 3e6, events: { http: false, table: { readsPerRequest: 2, writesPerRequest: 1 } } });
    const t = tables(estimate([p], cats, { targets: ['gcp'], freeTier: false }).rows[0]!.items);
    expect(t.map((i) => [i.label, i.quantity, i.freeQuantity, i.amount])).toEqual([
      ['Firestore document reads', 6e6, 0, 1.8],
      ['Firestore document writes', 3e6, 0, 2.7],
    ]);
  });

  it('under the daily quota a month of reads and writes is free: $0.00 with the whole usage as free quantity', () => {
    // 1M reads < 1,520,833 free; 500,000 writes < 608,333 free.
    const p = profile({ requestsPerMonth: 1e6, events: { http: false, table: { readsPerRequest: 1, writesPerRequest: 0.5 } } });
    const t = tables(estimate([p], cats, { targets: ['gcp'] }).rows[0]!.items);
    expect(t.map((i) => [i.label, i.quantity, i.freeQuantity, i.amount])).toEqual([
      ['Firestore document reads', 0, 1e6, 0],
      ['Firestore document writes', 0, 5e5, 0],
    ]);
    // $0.30 and $0.45 of free value: 1M x $0.03/100k, 500,000 x $0.09/100k.
    expect(t.map((i) => i.freeValue)).toEqual([expect.closeTo(0.3, 12), expect.closeTo(0.45, 12)]);
  });

  it('the free quota is the project\'s (one database), split across the functions in proportion to their reads and writes', () => {
    // a reads 1M, b 3M: 4M reads share 1,520,833.33 free, a gets 1/4, b 3/4.
    const a = profile({ function: 'a', requestsPerMonth: 1e6, events: { http: false, table: { readsPerRequest: 1, writesPerRequest: 0 } } });
    const b = profile({ function: 'b', requestsPerMonth: 3e6, events: { http: false, table: { readsPerRequest: 1, writesPerRequest: 0 } } });
    const est = estimate([a, b], cats, { targets: ['gcp'] });
    const [ta, tb] = est.rows.map((r) => tables(r.items)[0]!);
    expect(ta!.freeQuantity).toBeCloseTo(freeReads / 4, 6);
    expect(tb!.freeQuantity).toBeCloseTo((3 * freeReads) / 4, 6);
    expect(ta!.freeQuantity + tb!.freeQuantity).toBeCloseTo(freeReads, 6);
    expect(ta!.quantity + tb!.quantity).toBeCloseTo(4e6 - freeReads, 6);
    // (4,000,000 - 1,520,833.33) x $0.03/100k = $0.74375 -> $0.74 for the service.
    expect(est.totals[0]!.items.find((i) => i.kind === 'table')).toEqual({ kind: 'table', exact: expect.closeTo(0.74375, 12), amount: 0.74 });
    // Writes only on a: no write line on b, and no write line anywhere with writes 0.
    expect(est.rows.flatMap((r) => tables(r.items)).map((i) => i.label)).toEqual(['Firestore document reads', 'Firestore document reads']);
  });

  it('rates, quota and sources come from the catalog; --rates accepts every new key and refuses a misspelt one', () => {
    const g = cats.gcp.rates;
    expect([g.firestoreReadsPer100k.value, g.firestoreWritesPer100k.value, g.firestoreDeletesPer100k.value]).toEqual([0.03, 0.09, 0.01]);
    expect([g.firestoreFreeReadsPerDay.value, g.firestoreFreeWritesPerDay.value, g.firestoreFreeDeletesPerDay.value]).toEqual([50_000, 20_000, 20_000]);
    expect(g.firestoreReadsPer100k.source).toMatch(/^https:\/\/cloud\.google\.com\/firestore\/pricing /);
    expect(g.firestoreFreeReadsPerDay.source).toMatch(/^https:\/\/docs\.cloud\.google\.com\/firestore\/quotas /);
    const overrides = {
      gcp: { firestoreReadsPer100k: 0.06, firestoreWritesPer100k: 0.18, firestoreDeletesPer100k: 0.02, firestoreFreeReadsPerDay: 0, firestoreFreeWritesPerDay: 0, firestoreFreeDeletesPerDay: 0 },
      azure: { tableTransactionsPer10k: 0.0004 },
    };
    const multi = applyRateOverrides(cats, overrides, 'rates.json');
    expect(multi.overridden).toHaveLength(7);
    // The nam5 multi-region prices, no free quota: 6M x $0.06/100k = $3.60, 3M x $0.18/100k = $5.40.
    const p = profile({ requestsPerMonth: 3e6, events: { http: false, table: { readsPerRequest: 2, writesPerRequest: 1 } } });
    expect(tables(estimate([p], multi, { targets: ['gcp'] }).rows[0]!.items).map((i) => [i.amount, i.freeQuantity])).toEqual([
      [3.6, 0],
      [5.4, 0],
    ]);
    try {
      applyRateOverrides(cats, { gcp: { firestoreReadPer100k: 0.06 } }, 'rates.json');
      expect.unreachable();
    } catch (err) {
      expect((err as SlsxError).code).toBe('RATES_INVALID');
      expect((err as SlsxError).message).toMatch(/'gcp\.firestoreReadPer100k' is not a known rate or limit; known keys for gcp: .*firestoreReadsPer100k, firestoreWritesPer100k, firestoreDeletesPer100k, firestoreFreeReadsPerDay/);
    }
  });
});

describe('tableReads / tableWrites in faas.yaml traffic (real CLI)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reach the estimate as DynamoDB, Table Storage and Firestore lines; a negative count is refused at its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slsx-cost-tables-'));
    dirs.push(dir);
    const yaml = (reads: string) => `service: shop
tables:
  todos: { key: id }
functions:
  api:
    handler: src/api.handler
    tables: [ todos ]
    traffic: { requests: 1M/month, duration: 50ms, tableReads: ${reads}, tableWrites: 1 }
`;
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/api.ts'), 'export const handler = async () => ({ ok: true });\n');
    writeFileSync(join(dir, 'faas.yaml'), yaml('2'));
    const r = await runCli(['cost', 'estimate', '--target', 'aws', '--format', 'json'], dir, { now: () => new Date('2026-11-27T00:00:00Z') });
    expect(r.code, r.stderr).toBe(0);
    const row = JSON.parse(r.stdout).rows.find((x: { option: string }) => x.option === 'aws-arm64');
    expect(row.items.filter((i: LineItem) => i.kind === 'table').map((i: LineItem) => [i.label, i.quantity, i.amount])).toEqual([
      ['DynamoDB on-demand reads', 2e6, 0.25],
      ['DynamoDB on-demand writes', 1e6, 0.63],
    ]);
    // The same traffic on the other clouds (1M x 2 reads + 1 write):
    // Azure: 3M transactions x $0.00036/10k = $0.108 -> $0.11, on each Azure option.
    // GCP: reads 2M - 1,520,833.33 free = 479,166.67 x $0.03/100k = $0.14375 -> $0.14;
    //      writes 1M - 608,333.33 free = 391,666.67 x $0.09/100k = $0.3525 -> $0.35.
    for (const [target, option, expected] of [
      ['azure', 'azure-flex', [['Table Storage transactions', 3e6, 0.11]]],
      ['azure', 'azure-consumption', [['Table Storage transactions', 3e6, 0.11]]],
      ['gcp', 'gcp', [['Firestore document reads', expect.closeTo(479_166.667, 2), 0.14], ['Firestore document writes', expect.closeTo(391_666.667, 2), 0.35]]],
    ] as const) {
      const c = await runCli(['cost', 'estimate', '--target', target, '--format', 'json'], dir, { now: () => new Date('2026-11-27T00:00:00Z') });
      expect(c.code, c.stderr).toBe(0);
      const items = JSON.parse(c.stdout).rows.find((x: { option: string }) => x.option === option).items.filter((i: LineItem) => i.kind === 'table');
      expect(items.map((i: LineItem) => [i.label, i.quantity, i.amount]), option).toEqual(expected);
      expect(items.every((i: LineItem) => i.notEstimated === undefined), option).toBe(true);
    }
    writeFileSync(join(dir, 'faas.yaml'), yaml('-1'));
    const bad = await runCli(['cost', 'estimate', '--target', 'aws'], dir, { now: () => new Date('2026-11-27T00:00:00Z') });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/faas\.yaml:8:\d+/);
  });
});
