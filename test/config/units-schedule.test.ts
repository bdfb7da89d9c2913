import { describe, expect, it } from 'vitest';
import { ncrontabProblem, parseSchedule, rateToCron, toAwsCron, toNcrontab } from '../../src/config/schedule.js';
import { parseDuration, parseRequestRate, parseSize } from '../../src/config/units.js';
import { didYouMean } from '../../src/config/did-you-mean.js';
import { httpPathProblem } from '../../src/config/checks/events.js';

describe('units', () => {
  it('durations: units, bare seconds, junk', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('2m'), parseDuration('1h'), parseDuration('4d'), parseDuration(30), parseDuration('1.5s')]).toEqual([500, 10_000, 120_000, 3_600_000, 345_600_000, 30_000, 1500]);
    expect(parseDuration('10 parsecs')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
  it('sizes: MB by default, GB = 1024 MB', () => {
    expect([parseSize(512), parseSize('512MB'), parseSize('2GB'), parseSize('1GiB')]).toEqual([512, 512, 2048, 1024]);
    expect(parseSize('lots')).toBeUndefined();
  });
  it('request rates per month (730 hours)', () => {
    expect(parseRequestRate('10M/month')).toBe(10_000_000);
    expect(parseRequestRate('250k/day')).toBe(Math.round(250_000 * (730 / 24)));
    expect(parseRequestRate('50/second')).toBe(50 * 730 * 3600);
    expect(parseRequestRate(1000)).toBe(1000);
    expect(parseRequestRate('many')).toBeUndefined();
  });
});

describe('schedules', () => {
  it('parses 5-field cron and rates', () => {
    expect(parseSchedule('cron(0 3 * * *)')).toMatchObject({ kind: 'cron', cron: '0 3 * * *', extensions: [] });
    expect(parseSchedule('cron(0 9 ? * MON-FRI)')).toMatchObject({ kind: 'cron' });
    expect(parseSchedule('cron(0 0 L * *)')).toMatchObject({ kind: 'cron', extensions: ['L'] });
    expect(parseSchedule('rate(5 minutes)')).toMatchObject({ kind: 'rate', rateMs: 300_000 });
    expect(parseSchedule('rate(1 day)')).toMatchObject({ kind: 'rate', rateMs: 86_400_000 });
  });
  it('refuses bad fields with the field named', () => {
    expect(parseSchedule('cron(60 * * * *)')).toMatchObject({ error: expect.stringContaining('minute field `60` has 60, outside 0-59') });
    expect(parseSchedule('cron(0 0 * 13 *)')).toMatchObject({ error: expect.stringContaining('month field') });
    expect(parseSchedule('cron(0 0 * * FUNDAY)')).toMatchObject({ error: expect.stringContaining('not a number or name') });
    expect(parseSchedule('cron(5-1 * * * *)')).toMatchObject({ error: expect.stringContaining('runs backwards') });
    expect(parseSchedule('cron(0 3 * * ? *)')).toMatchObject({ error: expect.stringContaining('6 fields') });
    expect(parseSchedule('0 3 * * *')).toMatchObject({ error: expect.stringContaining('must be wrapped') });
    expect(parseSchedule('rate(0 minutes)')).toMatchObject({ error: expect.stringContaining('at least 1') });
    expect(parseSchedule('rate(5 fortnights)')).toMatchObject({ error: expect.stringContaining('Invalid rate') });
  });
  it('converts rates to cron only when exact', () => {
    expect(rateToCron(60_000)).toBe('* * * * *');
    expect(rateToCron(15 * 60_000)).toBe('*/15 * * * *');
    expect(rateToCron(6 * 3_600_000)).toBe('0 */6 * * *');
    expect(rateToCron(86_400_000)).toBe('0 0 * * *');
    expect(rateToCron(7 * 60_000)).toBeUndefined();
    expect(rateToCron(5 * 3_600_000)).toBeUndefined();
    expect(rateToCron(2 * 86_400_000)).toBeUndefined();
  });
  it('converts to AWS and NCRONTAB dialects', () => {
    expect(toAwsCron('0 3 * * *')).toBe('0 3 * * ? *');
    expect(toAwsCron('0 9 * * 1-5')).toBe('0 9 ? * 2-6 *');
    expect(toAwsCron('*/10 * * * */2')).toBe('*/10 * ? * */2 *');
    expect(toAwsCron('0 9 1 * 1')).toBeUndefined();
    expect(toAwsCron('0 9 * * 5#3')).toBe('0 9 ? * 6#3 *'); // the 3rd Friday: only the weekday is renumbered
    expect(toNcrontab('0 3 * * 7')).toBe('0 0 3 * * 0');
    // Issue 13.3: no `?`, weekdays 0-6, names as numbers; dom AND dow restricted has no NCRONTAB.
    expect(toNcrontab('0 9 ? * MON-FRI')).toBe('0 0 9 * * 1-5');
    expect(toNcrontab('0 9 ? * mon-fri')).toBe('0 0 9 * * 1-5');
    expect(toNcrontab('0 3 * * 5-7')).toBe('0 0 3 * * 5-6,0');
    expect(toNcrontab('0 3 * * 0,7')).toBe('0 0 3 * * 0');
    expect(toNcrontab('0 0 1 JUL ?')).toBe('0 0 0 1 7 *');
    expect(toNcrontab('*/5 * * * SAT,SUN')).toBe('0 */5 * * * 6,0');
    expect(toNcrontab('0 9 1 * 1')).toBeUndefined();
    expect(ncrontabProblem('0 9 1 * MON')).toMatch(/restricts both day-of-month and day-of-week/);
    expect(toNcrontab('0 9 * * 5-7/2')).toBeUndefined();
    expect(toNcrontab('0 9 L * *')).toBeUndefined();
  });
});

describe('names and paths', () => {
  it('did you mean: close names only', () => {
    expect(didYouMean('memroy', ['memory', 'timeout'])).toBe('memory');
    expect(didYouMean('zzz', ['memory', 'timeout'])).toBeUndefined();
  });
  it('http paths', () => {
    expect(httpPathProblem('/orders/{id}')).toBeUndefined();
    expect(httpPathProblem('/files/{path+}')).toBeUndefined();
    expect(httpPathProblem('orders')).toContain('start with');
    expect(httpPathProblem('/a//b')).toContain('empty segment');
    expect(httpPathProblem('/files/{id}.json')).toContain('whole segment');
    expect(httpPathProblem('/{p+}/x')).toContain('greedy');
    expect(httpPathProblem('/{id}/{id}')).toContain('twice');
  });
});
