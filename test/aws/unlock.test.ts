import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, FakeAws, REGION } from './support/fake-aws.js';
import { cleanup, cli, shopProject } from './support/cli.js';

const BUCKET = `slsx-deploy-${ACCOUNT}-${REGION}`;
const KEY = 'locks/shop/dev.json';

/** Issue 8.7: `sls-x unlock` against the S3 lock object (fake S3 with conditional writes). */
describe('sls-x unlock --target aws', () => {
  const dirs: string[] = [];
  afterEach(() => cleanup(dirs));

  it('after a deploy, nothing is held; a live lock of another machine is refused unless --force; an expired one is removed', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    // The deploy released its lock.
    expect(aws.buckets.get(BUCKET)?.objects.has(KEY)).toBe(false);
    expect((await cli(['unlock', '--target', 'aws'], dir, aws)).stdout).toBe('No deploy lock is held for shop/dev on aws.\n');

    const put = (expiresInMs: number) => aws.buckets.get(BUCKET)!.objects.set(KEY, {
      body: JSON.stringify({ holder: 'ci-runner-7:4242', acquiredAt: new Date(Date.now() - 90_000).toISOString(), expiresAt: new Date(Date.now() + expiresInMs).toISOString() }),
      etag: '"e1"',
    });
    put(180_000);
    const refused = await cli(['unlock', '--target', 'aws'], dir, aws);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/The deploy lock of shop\/dev on aws is held by ci-runner-7:4242, taken (90|91) s ago, expiring at .* unless renewed/);
    expect(aws.buckets.get(BUCKET)!.objects.has(KEY)).toBe(true);
    // A deploy with something to change is refused meanwhile, naming the holder (one with nothing
    // to change takes no lock and writes nothing).
    writeFileSync(join(dir, 'faas.yaml'), readFileSync(join(dir, 'faas.yaml'), 'utf8').replace('memory: 512', 'memory: 640'));
    const blocked = await cli(['deploy', '--target', 'aws'], dir, aws);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('held by ci-runner-7:4242');
    const forced = await cli(['unlock', '--target', 'aws', '--force'], dir, aws);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Released the deploy lock of shop\/dev on aws, held by ci-runner-7:4242 \(taken (90|91) s ago, forced; s3:\/\/slsx-deploy-123456789012-eu-west-1\/locks\/shop\/dev\.json\)\.\n$/);
    expect(aws.buckets.get(BUCKET)!.objects.has(KEY)).toBe(false);

    put(-1000);
    const expired = await cli(['unlock', '--target', 'aws', '--json'], dir, aws);
    expect(JSON.parse(expired.stdout)).toMatchObject({ locked: false, released: { holder: 'ci-runner-7:4242', live: false } });
    expect(aws.buckets.get(BUCKET)!.objects.has(KEY)).toBe(false);
  });
});
