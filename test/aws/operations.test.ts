import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service } from './support/service.js';

const NOW = new Date('2026-11-27T10:00:00Z');

async function deployed() {
  const aws = new FakeAws();
  const s = service([fn('api'), fn('worker')]);
  await deploy(s, artifacts(s), context(aws, () => NOW));
  return { aws, s };
}

describe('aws operations', () => {
  it('invoke sends the payload with LogType Tail and returns the result with the REPORT figures', async () => {
    const { aws, s } = await deployed();
    aws.invokeResults.set('shop-dev-api', {
      payload: { statusCode: 200, body: '{"ok":true}' },
      logTail: 'START RequestId: r-1 Version: $LATEST\n2026-11-27T10:00:00.010Z\tr-1\tINFO\thello\nEND RequestId: r-1\nREPORT RequestId: r-1\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms\t\n',
    });
    aws.resetCalls();
    const out = await adapter.invoke!(s, 'api', { hello: 'world' }, context(aws, () => NOW));
    const [input] = aws.inputs('lambda:Invoke');
    expect({ ...input, Payload: Buffer.from(input.Payload).toString() }).toEqual({ FunctionName: 'shop-dev-api', InvocationType: 'RequestResponse', LogType: 'Tail', Payload: '{"hello":"world"}' });
    expect(out.result).toEqual({ statusCode: 200, body: '{"ok":true}' });
    expect(out.record).toMatchObject({ function: 'api', requestId: 'r-1', coldStart: true, initMs: 140.62, durationMs: 3.01, billedMs: 4, memoryMb: 512, peakMemoryMb: 67, outcome: 'ok', trigger: 'invoke' });
    expect(out.logs.map((l) => l.message)).toEqual(['START RequestId: r-1 Version: $LATEST', 'hello', 'END RequestId: r-1', expect.stringMatching(/^REPORT/)]);
  });

  it('invoke reports a function error as an error outcome, and an unknown function clearly', async () => {
    const { aws, s } = await deployed();
    aws.invokeResults.set('shop-dev-api', { payload: { errorMessage: 'boom', errorType: 'Error' }, functionError: 'Unhandled', logTail: '' });
    const out = await adapter.invoke!(s, 'api', {}, context(aws, () => NOW));
    expect(out.record).toMatchObject({ outcome: 'error', error: 'boom' });
    await expect(adapter.invoke!(s, 'nope', {}, context(aws))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
  });

  it('invocations() reads REPORT lines since a time into records, per function', async () => {
    const { aws, s } = await deployed();
    aws.logEvents.set('/aws/lambda/shop-dev-api', [
      { eventId: '1', timestamp: NOW.getTime() - 7_200_000, message: 'REPORT RequestId: old\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB' },
      { eventId: '2', timestamp: NOW.getTime() - 60_000, message: 'REPORT RequestId: a\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms' },
      { eventId: '3', timestamp: NOW.getTime() - 30_000, message: '2026-11-27T09:59:30.000Z\tb\tINFO\thello' },
    ]);
    aws.logEvents.set('/aws/lambda/shop-dev-worker', [{ eventId: '4', timestamp: NOW.getTime() - 10_000, message: 'REPORT RequestId: w\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 512 MB\tMax Memory Used: 70 MB' }]);
    aws.resetCalls();
    const records = await adapter.invocations!(s, { sinceMs: 3_600_000 }, context(aws, () => NOW));
    expect(records.map((r) => [r.function, r.requestId, r.coldStart, r.initMs, r.billedMs])).toEqual([
      ['api', 'a', true, 140.62, 4],
      ['worker', 'w', false, undefined, 20],
    ]);
    expect(aws.inputs('logs:FilterLogEvents')).toContainEqual({ logGroupName: '/aws/lambda/shop-dev-api', startTime: NOW.getTime() - 3_600_000, filterPattern: '"REPORT RequestId"' });
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('logs --follow polls with the injected sleep, yields each line once, and stops when aborted', async () => {
    const { aws, s } = await deployed();
    const group = '/aws/lambda/shop-dev-api';
    aws.logEvents.set(group, [{ eventId: '1', timestamp: NOW.getTime() - 1000, message: '2026-11-27T09:59:59.000Z\tr\tINFO\tfirst' }]);
    const abort = new AbortController();
    const wait = aws.clients.wait!;
    let polls = 0;
    wait.sleep = async () => {
      polls++;
      if (polls === 1) aws.logEvents.get(group)!.push({ eventId: '2', timestamp: NOW.getTime(), message: '2026-11-27T10:00:00.000Z\tr\tWARN\tsecond' });
      if (polls === 2) abort.abort();
    };
    const lines: string[] = [];
    for await (const l of adapter.logs!(s, 'api', { follow: true, sinceMs: 60_000, signal: abort.signal }, context(aws, () => NOW))) lines.push(`${l.level} ${l.message}`);
    expect(lines).toEqual(['info first', 'warn second']);
    expect(polls).toBe(2);
  });
});
