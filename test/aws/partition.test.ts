import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import { resolve, templatize } from '../../providers/aws/session.js';
import { dnsSuffixOf, partitionOf } from '../../providers/aws/regions.js';
import { artifacts, fn, service } from './support/service.js';

/** Issue 8.8: GovCloud and China regions get their partition in every ARN sls-x builds. */
describe('aws partitions', () => {
  const s = (region: string) => service(
    [
      fn('api', { events: [{ kind: 'http', method: 'GET', path: '/x', cors: false }], secrets: ['KEY'], sends: ['orders'], buckets: [{ name: 'files', access: 'readwrite' }] }),
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
      fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }] }),
      fn('thumbs', { events: [{ kind: 'storage', bucket: 'files', on: ['created'] }] }),
    ],
    { targets: { aws: { region } }, queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 2, deadLetter: true, retentionMs: 86_400_000 }], buckets: [{ name: 'files' }] },
  );

  it.each([
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn'],
    ['eu-west-1', 'aws', 'amazonaws.com'],
  ])('%s: every ARN of every desired resource is in %s, and observed ARNs map back', (region, partition, suffix) => {
    expect(partitionOf(region)).toBe(partition);
    expect(dnsSuffixOf(region)).toBe(suffix);
    const svc = s(region);
    const desired = adapter.desired(svc, artifacts(svc));
    const session = { region, account: '123456789012', apiId: 'abc123' };
    const resolved = JSON.stringify(resolve(desired, session));
    const arns = resolved.match(/arn:[a-z-]+:/g) ?? [];
    expect(arns.length).toBeGreaterThan(10);
    expect(new Set(arns)).toEqual(new Set([`arn:${partition}:`]));
    // What apply sends comes back from AWS with the same partition: observe puts the placeholder back.
    const resolvedArns = [...new Set(resolved.match(/arn:[^"]+/g) ?? [])];
    for (const arn of resolvedArns) expect(templatize(arn, session).startsWith('arn:${AWS::Partition}:')).toBe(true);
    expect(resolvedArns.map((a) => templatize(a, session)).every((a) => desired.some((r) => JSON.stringify(r).includes(a)))).toBe(true);
  });
});
