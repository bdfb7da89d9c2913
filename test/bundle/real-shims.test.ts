import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import { packageService } from '../../src/bundle/package-service.js';
import type { Artifact } from '../../src/model/artifact.js';
import type { TargetName } from '../../src/model/service.js';
import { packageRoot } from '../../src/paths.js';
import { fn, makeProject, service } from './helpers.js';
import { unpack } from '../support/unzip.js';

// A handler written against sls-x/runtime with a value import (so the alias must work), bundled
// with the real shims from templates/shims/.
const ORDERS_TS = `
import { json, type HttpRequest } from 'sls-x/runtime';
export const handler = async (req: HttpRequest) => json(200, { id: req.pathParams.id, method: req.method });
`;
const events = [{ kind: 'http' as const, method: 'GET' as const, path: '/orders/{id}', cors: false }];

const project = makeProject({ 'src/orders.ts': ORDERS_TS });
// The gcp bundle leaves the functions-framework to the platform: let this project resolve it.
symlinkSync(join(packageRoot(), 'node_modules'), join(project.root, 'node_modules'));
const svc = service(project.root, [fn('orders', 'src/orders.ts#handler', { events })]);
const built: Partial<Record<TargetName, Artifact[]>> = {};

beforeAll(async () => {
  for (const target of ['aws', 'gcp', 'azure', 'local'] as const) built[target] = await packageService(svc, target);
}, 120_000);
afterAll(() => project.cleanup());

// The zip as the cloud unpacks it (local alone writes its artifacts unpacked).
const entry = (target: TargetName, name: string) => pathToFileURL(join(unpack(join(project.root, '.sls-x', 'build', target, `${name}.zip`)), 'index.mjs')).href;

// What the deploy sets beside the code (Lambda/Cloud Functions env, app settings, local instance env).
const saved = process.env.SLSX_FUNCTIONS;
const configure = (target: TargetName): void => void (process.env.SLSX_FUNCTIONS = functionsEnv(svc, svc.functions, target).SLSX_FUNCTIONS);
afterEach(() => {
  if (saved === undefined) delete process.env.SLSX_FUNCTIONS;
  else process.env.SLSX_FUNCTIONS = saved;
});

describe('bundles with the real shims', () => {
  it('aws: answers an API Gateway v2 event through the bundled shim', async () => {
    const event = JSON.parse(readFileSync(new URL('../fixtures/events/aws/apigw-v2-request-no-authorizer.json', import.meta.url), 'utf8'));
    event.routeKey = 'GET /orders/{id}';
    event.rawPath = '/orders/42';
    event.pathParameters = { id: '42' };
    event.requestContext.routeKey = 'GET /orders/{id}';
    event.requestContext.http.path = '/orders/42';
    configure('aws');
    const mod = await import(entry('aws', 'orders'));
    const res = await mod.handler(event, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 5000 });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: '42', method: 'GET' });
  });

  it('gcp: registers with the functions-framework under the function name and serves the route', async () => {
    configure('gcp');
    await import(entry('gcp', 'orders'));
    const { getTestServer } = await import('@google-cloud/functions-framework/testing');
    const server = getTestServer('orders');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/orders/7`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: '7', method: 'GET' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('azure: the Function App bundle loads, with @azure/functions bundled and its worker-provided core left external', async () => {
    expect(built.azure!.map((a) => a.name)).toEqual(['app']);
    const code = readFileSync(join(unpack(join(project.root, '.sls-x', 'build', 'azure', 'app.zip')), 'index.mjs'), 'utf8');
    expect(code).toContain('"@azure/functions-core"'); // left to the Functions worker
    configure('azure');
    await expect(import(entry('azure', 'app'))).resolves.toBeDefined();
  });

  it('local: the default export is the local worker entry point', async () => {
    configure('local');
    const mod = await import(entry('local', 'orders'));
    expect(typeof mod.default).toBe('function');
  });

  it('a bundle deployed without its configuration fails at load, saying what is missing', async () => {
    delete process.env.SLSX_FUNCTIONS;
    await expect(import(`${entry('aws', 'orders')}?unconfigured`)).rejects.toThrow(/function "orders" has no configuration in the SLSX_FUNCTIONS environment variable \(it is not set\)/);
  });

  it('changing memory, timeout or events leaves every artifact byte for byte as it was', async () => {
    const other = service(project.root, [fn('orders', 'src/orders.ts#handler', { memory: 2048, timeoutMs: 29_000, events: [...events, { kind: 'http', method: 'POST', path: '/orders', cors: true }] })]);
    for (const target of ['aws', 'gcp', 'azure', 'local'] as const) {
      const again = await packageService(other, target);
      expect(again.map((a) => [a.name, a.sha256]), target).toEqual(built[target]!.map((a) => [a.name, a.sha256]));
    }
  }, 120_000);
});
