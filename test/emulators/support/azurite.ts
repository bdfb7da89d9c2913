/**
 * Azurite (npm `azurite`, Microsoft's Azure Storage emulator: Blob, Queue and Table REST APIs
 * with shared-key, SAS and, with `--oauth basic` over HTTPS, bearer-token and user-delegation-SAS
 * checks) started on 127.0.0.1 by the suites that use it, and stopped by them.
 *
 * With `oauth: true` it serves HTTPS with a self-signed certificate made here with openssl for
 * this run (127.0.0.1 only), and checks bearer tokens' issuer, audience and lifetime (not their
 * signature), so a token made by `storageToken()` stands in for a managed identity's. `fetch`
 * trusts that one certificate and nothing else.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const ACCOUNT = 'devstoreaccount1';
/** Azurite's well-known development key (public: https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key). */
export const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export interface Azurite {
  /** `https://127.0.0.1:<port>/devstoreaccount1` (http without oauth). */
  blobUrl: string;
  queueUrl: string;
  /** The Table service, `https://127.0.0.1:<port>/devstoreaccount1` (http without oauth). */
  tableUrl: string;
  /** A fetch that trusts this run's certificate (plain fetch without oauth). */
  fetch: typeof fetch;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`azurite exited with ${child.exitCode}: ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`azurite did not listen on ${port} within 20 s: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fetch over node:https that trusts `ca` (Node's fetch takes no CA option); http URLs go to fetch. */
export function fetchTrusting(ca: Buffer): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.protocol === 'http:') return fetch(url, init);
    const headers = new Headers(init.headers);
    const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await new Response(init.body).arrayBuffer());
    if (body) headers.set('content-length', String(body.length));
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 0;
          const empty = status === 204 || status === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: h }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(20_000, () => req.destroy(new Error('request timed out')));
      req.end(body);
    });
  }) as typeof fetch;
}

/** Start Azurite's blob, queue and table services on free loopback ports, in memory. */
export async function startAzurite(opts: { oauth?: boolean } = {}): Promise<Azurite> {
  return launch(opts, false);
}

export interface AzuriteWithClock extends Azurite {
  /**
   * Move Azurite's clock to `offsetMs` ahead of real time (never back): whatever Azurite decides
   * by the time (lease expiry, break periods) its own code decides at that time. Resolves once the
   * Azurite process has taken the new offset.
   */
  setClockOffset(offsetMs: number): Promise<void>;
}

/**
 * What Azurite runs first (`node --require`): `Date` (and `Date.now()`) read the real clock plus
 * an offset the test sets over the IPC channel. Objects are real Dates, so nothing else changes.
 */
const CLOCK_PRELOAD = `'use strict';
const RealDate = Date;
let offset = 0;
function ShiftedDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + offset).toString();
  return args.length === 0 ? new RealDate(RealDate.now() + offset) : new RealDate(...args);
}
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => RealDate.now() + offset;
ShiftedDate.parse = RealDate.parse;
ShiftedDate.UTC = RealDate.UTC;
globalThis.Date = ShiftedDate;
process.on('message', (m) => {
  if (m && typeof m.clockOffsetMs === 'number') {
    offset = Math.max(offset, m.clockOffsetMs);
    process.send({ clockOffsetMs: offset });
  }
});
// The channel must not keep Azurite alive once it is told to stop.
process.channel?.unref();
`;

/** Azurite (as `startAzurite`) whose clock the test moves forward: lease expiry without waiting. */
export async function startAzuriteWithClock(opts: { oauth?: boolean } = {}): Promise<AzuriteWithClock> {
  return launch(opts, true) as Promise<AzuriteWithClock>;
}

async function launch(opts: { oauth?: boolean }, clock: boolean): Promise<Azurite | AzuriteWithClock> {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-azurite-'));
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
    '--queueHost', '127.0.0.1', '--queuePort', String(queuePort),
    '--tableHost', '127.0.0.1', '--tablePort', String(tablePort),
    '--inMemoryPersistence', '--silent', '--disableTelemetry',
  ];
  let ca: Buffer | undefined;
  if (opts.oauth) {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));
    args.push('--oauth', 'basic', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'));
  }
  const main = createRequire(import.meta.url).resolve('azurite/dist/src/azurite.js');
  if (clock) writeFileSync(join(dir, 'clock.cjs'), CLOCK_PRELOAD);
  const nodeArgs = clock ? ['--require', join(dir, 'clock.cjs')] : [];
  const child = spawn(process.execPath, [...nodeArgs, main, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', ...(clock ? (['ipc'] as const) : [])], env: { PATH: process.env.PATH, HOME: dir } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(blobPort, child, () => out);
    await waitForPort(queuePort, child, () => out);
    await waitForPort(tablePort, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  const scheme = opts.oauth ? 'https' : 'http';
  const started: Azurite = {
    blobUrl: `${scheme}://127.0.0.1:${blobPort}/${ACCOUNT}`,
    queueUrl: `${scheme}://127.0.0.1:${queuePort}/${ACCOUNT}`,
    tableUrl: `${scheme}://127.0.0.1:${tablePort}/${ACCOUNT}`,
    fetch: ca ? fetchTrusting(ca) : fetch,
    stop,
  };
  if (!clock) return started;
  const setClockOffset = (offsetMs: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => (child.off('message', onMessage), reject(new Error('azurite did not take the clock offset within 5 s'))), 5000);
      const onMessage = (m: unknown) => {
        if ((m as { clockOffsetMs?: number })?.clockOffsetMs === undefined) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.send({ clockOffsetMs: offsetMs });
    });
  return { ...started, setClockOffset };
}

const b64url = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A bearer token of the shape Microsoft Entra issues for Azure Storage (`aud`
 * https://storage.azure.com, `iss` https://sts.windows.net/<tenant>/, `oid`, `tid`), unsigned:
 * Azurite's `--oauth basic` checks the claims, not the signature.
 */
export function storageToken(o: { oid?: string; lifetimeSeconds?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: 'https://storage.azure.com',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + (o.lifetimeSeconds ?? 3600),
    oid: o.oid ?? '5f7b3f6c-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
    tid: TENANT,
    sub: o.oid ?? '5f7b3f6c-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  };
  return `${b64url({ typ: 'JWT', alg: 'RS256' })}.${b64url(claims)}.c2lnbmF0dXJl`;
}

export interface IdentityEndpoint {
  /** IDENTITY_ENDPOINT as App Service / Functions set it. */
  url: string;
  /** IDENTITY_HEADER: the secret the caller must echo in X-IDENTITY-HEADER. */
  secret: string;
  requests: Array<{ resource: string | null; clientId: string | null; apiVersion: string | null }>;
  stop(): Promise<void>;
}

/**
 * The App Service managed identity endpoint (protocol 2019-08-01:
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference)
 * on loopback: `GET ?resource=&api-version=2019-08-01[&client_id=]` with `X-IDENTITY-HEADER`,
 * answering `{ access_token, expires_on, resource, token_type, client_id }`. A missing or wrong
 * header is 401; a resource other than Storage is 400.
 */
export async function startIdentityEndpoint(o: { clientId: string; oid?: string }): Promise<IdentityEndpoint> {
  const secret = 'identity-header-' + Math.random().toString(36).slice(2);
  const requests: IdentityEndpoint['requests'] = [];
  const server: Server = createHttpServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = { resource: u.searchParams.get('resource'), clientId: u.searchParams.get('client_id'), apiVersion: u.searchParams.get('api-version') };
    requests.push(entry);
    const fail = (status: number, msg: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: msg }));
    };
    if (req.headers['x-identity-header'] !== secret) return fail(401, 'bad X-IDENTITY-HEADER');
    if (entry.apiVersion !== '2019-08-01') return fail(400, 'api-version must be 2019-08-01');
    if (!entry.resource || !/^https:\/\/storage\.azure\.com\/?$/.test(entry.resource)) return fail(400, `unknown resource ${entry.resource}`);
    if (entry.clientId !== o.clientId) return fail(400, `no identity with client_id ${entry.clientId}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      access_token: storageToken({ oid: o.oid }),
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource: entry.resource,
      token_type: 'Bearer',
      client_id: o.clientId,
    }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/msi/token`,
    secret,
    requests,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
