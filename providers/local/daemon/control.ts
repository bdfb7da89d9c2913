import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationKind } from '../protocol.js';
import type { StoredResource } from '../store.js';
import { checkKey } from './buckets.js';
import { CloudError, type LocalCloud } from './cloud.js';

/** Path prefix of the control API on the gateway's port; user routes cannot use it. */
export const CONTROL_PREFIX = '/_slsx/';
const MAX_CONTROL_BODY = 64 * 1024 * 1024;

export interface ControlInfo {
  pid: number;
  port: () => number;
  root: string;
  token: string;
  startedAt: number;
  shutdown(): void;
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function authorised(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(String(req.headers['x-slsx-token'] ?? ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CONTROL_BODY) {
        reject(new CloudError(413, 'USAGE', 'control request too large (64 MB at most)'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (size === 0) return resolve({});
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
        resolve(value as Record<string, unknown>);
      } catch (err) {
        reject(new CloudError(400, 'USAGE', `control request is not JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new CloudError(400, 'USAGE', `control request needs a string '${key}'`);
  return v;
}

/**
 * The local cloud's control API (JSON over HTTP on the gateway's port, under /_slsx/, guarded by
 * the token in .sls-x/local/cloud.json): deploy and remove resources, invoke, recycle a function's instances, queues, buckets.
 */
export async function handleControl(cloud: LocalCloud, info: ControlInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!authorised(req, info.token)) return reply(res, 401, { error: { code: 'LOCAL_CLOUD', message: 'missing or wrong control token' } });
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length - 1)}`;
  try {
    const body = req.method === 'POST' ? await readJson(req) : {};
    switch (route) {
      case 'GET /health':
        return reply(res, 200, { ok: true, pid: info.pid, port: info.port(), root: info.root, startedAt: info.startedAt, ...cloud.summary() });
      case 'POST /resources/put': {
        const resource: StoredResource = { id: str(body, 'id'), type: str(body, 'type'), props: (body.props ?? {}) as Record<string, unknown>, dependsOn: (body.dependsOn ?? []) as string[] };
        await cloud.put(resource);
        return reply(res, 200, { ok: true });
      }
      case 'POST /resources/delete':
        await cloud.remove(str(body, 'id'), typeof body.type === 'string' ? body.type : undefined);
        return reply(res, 200, { ok: true });
      case 'POST /invoke': {
        const inv = await cloud.invoke(str(body, 'function'), (body.kind ?? 'raw') as InvocationKind, body.event, 'invoke', true);
        return reply(res, 200, inv);
      }
      case 'POST /functions/recycle':
        return reply(res, 200, { stopped: cloud.recycle(str(body, 'function')) });
      case 'POST /queues/send': {
        const messages = body.messages;
        if (!Array.isArray(messages) || messages.length === 0) throw new CloudError(400, 'USAGE', "control request needs 'messages': [{ body }]");
        return reply(res, 200, { ids: cloud.send(str(body, 'queue'), messages as Array<{ body: string; attributes?: Record<string, string> }>) });
      }
      case 'GET /queues/dlq':
        return reply(res, 200, { messages: cloud.deadLetters(url.searchParams.get('queue') ?? '') });
      case 'POST /queues/redrive':
        return reply(res, 200, { moved: cloud.redrive(str(body, 'queue')) });
      case 'POST /buckets/put': {
        const key = str(body, 'key');
        const problem = checkKey(key);
        if (problem) throw new CloudError(400, 'USAGE', problem);
        return reply(res, 200, cloud.bucketPut(str(body, 'bucket'), key, Buffer.from(str(body, 'contentBase64'), 'base64')));
      }
      case 'POST /flush':
        cloud.state.flush();
        return reply(res, 200, { ok: true });
      case 'POST /shutdown':
        reply(res, 200, { ok: true });
        setImmediate(() => info.shutdown());
        return;
      default:
        return reply(res, 404, { error: { code: 'USAGE', message: `unknown control call ${route}` } });
    }
  } catch (err) {
    if (err instanceof CloudError) return reply(res, err.status, { error: { code: err.code, message: err.message, hint: err.hint } });
    const e = err as Error & { code?: string; hint?: string };
    return reply(res, e.code === 'STATE_CORRUPT' ? 409 : 500, { error: { code: e.code === 'STATE_CORRUPT' ? 'STATE_CORRUPT' : 'INTERNAL', message: e.message, hint: e.hint } });
  }
}
