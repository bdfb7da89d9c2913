import { describe, expect, it } from 'vitest';
import { defaultCatalogs } from '../../src/cost/catalog.js';
import { estimate } from '../../src/cost/estimate.js';
import { applyRateOverrides } from '../../src/cost/rates-override.js';
import { profile } from './helpers.js';

/**
 * The providers' own worked examples, reproduced to the cent. Each states its source; where
 * the example used an older rate, the test passes that rate through `--rates`-style overrides
 * (the same path users take), which also shows the override reaches the arithmetic.
 */
describe('published worked examples', () => {
  it('AWS (shared/PRICING.md): 3M requests, 120 ms, 1,536 MB, x86, free tier -> $2.33 + $0.40 = $2.73', () => {
    const row = estimate([profile({ requestsPerMonth: 3e6, durationMs: 120, memoryMb: 1536 })], defaultCatalogs(), { targets: ['aws'], arch: 'x86_64' }).rows[0];
    expect(row.items.map((i) => [i.kind, i.amount])).toEqual([
      ['requests', 0.4],
      ['compute', 2.33],
    ]);
    expect(row.total).toBe(2.73);
  });

  it('AWS Lambda pricing page, "Example 1" (as quoted verbatim in several public repositories): 512 MB, 3M x 1 s at $0.00001667/GB-s -> $18.34 + $0.40 = $18.74', () => {
    // Source: https://aws.amazon.com/lambda/pricing/ (earlier edition): "If you allocated 512MB of memory to your
    // function, executed it 3 million times in one month, and it ran for 1 second each time ... Monthly compute
    // charges = 1,100,000 * $0.00001667 = $18.34 ... Monthly request charges = 2M * $0.2/M = $0.40 ... Total $18.74".
    const cats = applyRateOverrides(defaultCatalogs(), { aws: { durationX86Tier1PerGbS: 0.00001667 } }, 'example');
    const row = estimate([profile({ requestsPerMonth: 3e6, durationMs: 1000, memoryMb: 512 })], cats, { targets: ['aws'], arch: 'x86_64' }).rows[0];
    expect(row.items.find((i) => i.kind === 'compute')).toMatchObject({ quantity: 1_100_000, amount: 18.34 });
    expect(row.total).toBe(18.74);
    // At today's catalog rate ($0.0000166667) the same month is $18.33 + $0.40.
    expect(estimate([profile({ requestsPerMonth: 3e6, durationMs: 1000, memoryMb: 512 })], defaultCatalogs(), { targets: ['aws'], arch: 'x86_64' }).rows[0].total).toBe(18.73);
  });

  it('Azure Functions pricing page, Consumption example: 512 MB observed, 3M executions x 1 s -> 1,100,000 GB-s = $17.60 + $0.40 = $18.00', () => {
    // Source: https://azure.microsoft.com/pricing/details/functions/ ("Pricing example"). The copy of that page
    // reachable from the build machines is cut off before the example, so this figure could not be re-read here;
    // the arithmetic is the page's rules (128 MB steps, free grant 400,000 GB-s and 1M executions) at the
    // catalog's $0.000016/GB-s and $0.20/M.
    const row = estimate([profile({ requestsPerMonth: 3e6, durationMs: 1000, memoryMb: 512 })], defaultCatalogs(), { targets: ['azure'] }).rows.find((r) => r.option === 'azure-consumption')!;
    expect(row.items.find((i) => i.kind === 'compute')).toMatchObject({ quantity: 1_100_000, amount: 17.6 });
    expect(row.items.find((i) => i.kind === 'requests')).toMatchObject({ quantity: 2e6, amount: 0.4 });
    expect(row.total).toBe(18);
  });

  it('Azure Functions docs: a process using 160 MB is charged for 256 MB', () => {
    // Source: https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs ("When your process is
    // using 160 MB, you're charged for 256 MB"); 0.5 GB for 3 s = 1.5 GB-s is the same page's example.
    const gbs = (observedMemoryMb: number, durationMs: number) =>
      estimate([profile({ requestsPerMonth: 1, durationMs, memoryMb: 1536, observedMemoryMb })], defaultCatalogs(), { targets: ['azure'], freeTier: false }).rows.find((r) => r.option === 'azure-consumption')!.items.find((i) => i.kind === 'compute')!.quantity;
    expect(gbs(160, 1000)).toBe(0.25);
    expect(gbs(512, 3000)).toBe(1.5);
  });
});

describe('Azure Flex Consumption: Microsoft\'s worked examples (issue 8.13)', () => {
  // Source: https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs, Flex Consumption
  // tab: an app on 2,048 MB instances serving 40 requests a second with 10 executions in flight
  // (250 ms each). CPU-bound, each instance runs one execution at a time: 10 instances active all
  // hour, $1.9296/h. IO-bound, the 10 executions share one instance: $0.245/h. No free grant.
  // The catalog's month is 730 hours: a month of that traffic, read back per hour.
  const H = 730;
  const hourly = (perInstanceConcurrency?: number) => {
    const row = estimate([profile({ requestsPerMonth: 40 * H * 3600, durationMs: 250, memoryMb: 2048, events: { http: true }, ...(perInstanceConcurrency ? { perInstanceConcurrency } : {}) })], defaultCatalogs(), { targets: ['azure'], freeTier: false })
      .rows.find((r) => r.option === 'azure-flex')!;
    return { ...row, items: row.items.map((i) => ({ ...i, quantity: i.quantity / H, exact: i.exact / H })) };
  };

  it('CPU-bound (one execution per instance): 10 instances x 3,600 s x 2 GB = 72,000 GB-s + 144,000 executions = $1.9296/h', () => {
    const row = hourly(1);
    expect(row.items.find((i) => i.kind === 'compute')!.quantity).toBeCloseTo(72_000, 6);
    expect(row.items.find((i) => i.kind === 'requests')!.quantity).toBe(144_000);
    const exact = row.items.reduce((s, i) => s + i.exact, 0);
    expect(exact).toBeCloseTo(1.9296, 6);
  });

  it('IO-bound (the 10 share one instance, default concurrency 16): 7,200 GB-s + 144,000 executions = $0.2448, Microsoft\'s $0.245/h', () => {
    const row = hourly();
    expect(row.items.find((i) => i.kind === 'compute')!.quantity).toBeCloseTo(7_200, 6);
    const exact = row.items.reduce((s, i) => s + i.exact, 0);
    expect(exact).toBeCloseTo(0.2448, 6);
    expect(Math.round(exact * 1000) / 1000).toBe(0.245);
  });

  it('sparse traffic still bills each execution at least 1 s: 100,000 x 200 ms on 512 MB = 50,000 GB-s', () => {
    const row = estimate([profile({ requestsPerMonth: 100_000, durationMs: 200, memoryMb: 512 })], defaultCatalogs(), { targets: ['azure'], freeTier: false }).rows.find((r) => r.option === 'azure-flex')!;
    expect(row.items.find((i) => i.kind === 'compute')!.quantity).toBeCloseTo(50_000, 6);
  });

  it('Azure Consumption is marked as an option sls-x cannot deploy, in JSON, the table and markdown', async () => {
    const est = estimate([profile({ requestsPerMonth: 1e6, durationMs: 100, memoryMb: 512 })], defaultCatalogs(), { targets: ['azure'] });
    expect(est.rows.map((r) => [r.option, r.deployable])).toEqual([['azure-consumption', false], ['azure-flex', true]]);
    expect(est.totals.find((t) => t.option === 'azure-consumption')!.deployable).toBe(false);
    const { renderTable } = await import('../../src/cost/render-text.js');
    const { renderMarkdown } = await import('../../src/cost/render-markdown.js');
    const text = renderTable(est, 30 * 86_400);
    expect(text).toMatch(/Azure Consumption\^/);
    expect(text).toContain('^ for comparison only: sls-x cannot deploy to it');
    expect(text).not.toMatch(/Azure Flex\^/);
    expect(renderMarkdown(est, 30 * 86_400)).toContain('Azure Consumption (comparison only: sls-x cannot deploy it)');
  });
});
