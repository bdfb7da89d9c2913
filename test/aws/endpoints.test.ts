import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClients } from '../../providers/aws/clients.js';

/** A loopback server that records each request (host, path, signed service) and answers 400, which the SDK does not retry. */
async function recorder(): Promise<{ url: string; seen: Array<{ path: string; service: string }>; close: () => Promise<void> }> {
  const seen: Array<{ path: string; service: string }> = [];
  const server: Server = createServer((req, res) => {
    // SigV4 credential scope: AKID/date/region/<service>/aws4_request.
    const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '';
    seen.push({ path: req.url ?? '', service });
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
      res.end('{"message":"recorded"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

async function callEach(clients: Awaited<ReturnType<typeof createClients>>): Promise<void> {
  const [{ GetCallerIdentityCommand }, { GetFunctionCommand }, { HeadBucketCommand }, { ListQueuesCommand }] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-sqs'),
  ]);
  const swallow = (p: Promise<unknown>) => p.catch(() => undefined);
  await swallow(clients.sts.send(new GetCallerIdentityCommand({})));
  await swallow(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'shop-dev-api' })));
  await swallow(clients.s3.send(new HeadBucketCommand({ Bucket: 'shop-dev-uploads-86d89e82' })));
  await swallow(clients.sqs.send(new ListQueuesCommand({})));
}

describe('aws endpoints: AWS_ENDPOINT_URL and the per-service variables reach the SDK clients', () => {
  let general: Awaited<ReturnType<typeof recorder>>;
  let lambdaOnly: Awaited<ReturnType<typeof recorder>>;
  beforeEach(async () => {
    general = await recorder();
    lambdaOnly = await recorder();
    // Credentials come from the default chain (process.env); never the instance-metadata address.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    vi.stubEnv('AWS_PROFILE', '');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await general.close();
    await lambdaOnly.close();
  });

  const expectRouted = (): void => {
    expect(general.seen.map((r) => r.service).sort()).toEqual(['s3', 'sqs', 'sts']);
    // Emulators answer on one host: S3 addresses the bucket by path.
    expect(general.seen.find((r) => r.service === 's3')!.path).toMatch(/^\/shop-dev-uploads-86d89e82/);
    expect(lambdaOnly.seen.map((r) => [r.service, r.path])).toEqual([['lambda', '/2015-03-31/functions/shop-dev-api']]);
  };

  it('from the process environment (the CLI): the SDK reads them itself', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', general.url);
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', lambdaOnly.url);
    await callEach(await createClients('eu-west-1', process.env));
    expectRouted();
  });

  it('from an environment handed to the command (tests, embedding): sls-x passes them on', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', '');
    await callEach(await createClients('eu-west-1', { AWS_ENDPOINT_URL: general.url, AWS_ENDPOINT_URL_LAMBDA: lambdaOnly.url }));
    expectRouted();
  });
});
