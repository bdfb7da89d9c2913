/**
 * Table requests in the cost estimate: `tableReads` / `tableWrites` per request in a function's
 * `traffic:` price DynamoDB on-demand read and write request units on AWS (catalog `aws.json`);
 * the options that cannot price their table service yet say so (n/e), never a silent $0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCatalogs } from '../../src/cost/catalog.js';
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

  it('no table traffic, no table line; Azure and GCP show theirs as not estimated', () => {
    const none = estimate([profile()], cats, {});
    expect(none.rows.flatMap((r) => tables(r.items))).toEqual([]);
    const p = profile({ events: { http: false, table: { readsPerRequest: 1, writesPerRequest: 1 } } });
    const est = estimate([p], cats, {});
    for (const option of ['azure-consumption', 'azure-flex', 'gcp']) {
      const [t] = tables(est.rows.find((r) => r.option === option)!.items);
      expect(t).toMatchObject({ quantity: 2e6, amount: 0, notEstimated: expect.stringMatching(/not in the sls-x catalog/) });
    }
    const text = renderTable(est, T);
    expect(text).toContain('"other" = API gateway, queue, scheduler, storage, table requests');
    expect(text).toMatch(/fn +Azure Flex +\S+ +\S+ +- +n\/e/);
    expect(text).toContain('table 1 reads + 1 writes/request');
  });
});

describe('tableReads / tableWrites in faas.yaml traffic (real CLI)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reach the estimate as DynamoDB lines; a negative count is refused at its line', async () => {
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
    writeFileSync(join(dir, 'faas.yaml'), yaml('-1'));
    const bad = await runCli(['cost', 'estimate', '--target', 'aws'], dir, { now: () => new Date('2026-11-27T00:00:00Z') });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/faas\.yaml:8:\d+/);
  });
});
