import { describe, expect, it } from 'vitest';
import { parseProfileFlags } from '../../src/cost/flag-profile.js';
import { roundCents, allocateProRata } from '../../src/cost/money.js';
import { parseCount, parseDuration, parseFraction, parseMemory } from '../../src/cost/parse-input.js';
import { SlsxError } from '../../src/errors/slsx-error.js';

function costInput(fn: () => unknown): SlsxError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('COST_INPUT');
    return err as SlsxError;
  }
  throw new Error('expected COST_INPUT');
}

describe('cost input parsing', () => {
  it('reads counts with k/M/B suffixes and separators', () => {
    expect(parseCount('--requests', '10M', 1e12)).toBe(10_000_000);
    expect(parseCount('--requests', '250k', 1e12)).toBe(250_000);
    expect(parseCount('--requests', '1.5B', 1e12)).toBe(1_500_000_000);
    expect(parseCount('--requests', '3,000,000', 1e12)).toBe(3_000_000);
  });

  it('refuses 10Mb, negative and absurd counts, naming the flag', () => {
    expect(costInput(() => parseCount('--requests', '10Mb', 1e12)).message).toBe("--requests '10Mb': unknown unit 'Mb' (did you mean M, million?); use a plain count or k (thousand), M (million), B (billion).");
    expect(costInput(() => parseCount('--requests', '-5', 1e12)).message).toMatch(/--requests '-5': must not be negative/);
    expect(costInput(() => parseCount('--requests', '5e20', 1e12)).message).toMatch(/--requests/);
    expect(costInput(() => parseCount('--requests', '2000B', 1e12)).message).toMatch(/absurd/);
  });

  it('reads durations and refuses 120mss, 0 and more than a day', () => {
    expect(parseDuration('--duration', '120ms', 86_400_000)).toBe(120);
    expect(parseDuration('--duration', '1.5s', 86_400_000)).toBe(1500);
    expect(parseDuration('--duration', '2min', 86_400_000)).toBe(120_000);
    expect(costInput(() => parseDuration('--duration', '120mss', 86_400_000)).message).toMatch(/--duration '120mss': unknown unit 'mss'; use ms, s or min/);
    expect(costInput(() => parseDuration('--duration', '0ms', 86_400_000)).message).toMatch(/more than 0/);
    expect(costInput(() => parseDuration('--duration', '2000min', 86_400_000)).message).toMatch(/longer than/);
  });

  it('reads memory in MB or GB and refuses fractions of a MB and unknown units', () => {
    expect(parseMemory('--memory', '1536', 1e6)).toBe(1536);
    expect(parseMemory('--memory', '1.5GB', 1e6)).toBe(1536);
    expect(parseMemory('--memory', '2GiB', 1e6)).toBe(2048);
    expect(costInput(() => parseMemory('--memory', '100.5', 1e6)).message).toMatch(/whole number/);
    expect(costInput(() => parseMemory('--memory', '2TB', 1e6)).message).toMatch(/unknown unit 'TB'/);
  });

  it('reads fractions as 0.05 or 5% and refuses more than 100%', () => {
    expect(parseFraction('--cold-rate', '5%')).toBeCloseTo(0.05, 12);
    expect(parseFraction('--cold-rate', '0.05')).toBe(0.05);
    expect(costInput(() => parseFraction('--cold-rate', '150%')).message).toMatch(/--cold-rate/);
  });

  it('scales --requests by --per with the catalog month (730 h)', () => {
    expect(parseProfileFlags({ requests: '1M', per: 'day' }, 730).requestsPerMonth).toBeCloseTo(30_416_666.67, 1);
    expect(parseProfileFlags({ requests: '1k', per: 'hour' }, 730).requestsPerMonth).toBe(730_000);
    expect(costInput(() => parseProfileFlags({ requests: '1k', per: 'week' }, 730)).message).toMatch(/--per 'week'/);
    expect(costInput(() => parseProfileFlags({ events: 'http,kafka' }, 730)).message).toMatch(/unknown event kind 'kafka'/);
    expect(costInput(() => parseProfileFlags({ warm: '-1' }, 730)).message).toMatch(/--warm '-1': must not be negative/);
  });
});

describe('money', () => {
  it('rounds half up to the cent on the decimal value', () => {
    expect(roundCents(1.005)).toBe(1.01);
    expect(roundCents(2.333338)).toBe(2.33);
    expect(roundCents(0.125)).toBe(0.13);
    expect(roundCents(0.004999)).toBe(0);
  });

  it('splits a shared allowance in proportion to usage, never above usage', () => {
    expect(allocateProRata(400, [300, 100])).toEqual([300, 100]);
    expect(allocateProRata(100, [300, 100])).toEqual([75, 25]);
    expect(allocateProRata(100, [0, 0])).toEqual([0, 0]);
  });
});
