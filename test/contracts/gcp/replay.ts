/**
 * Replays recorded port calls through the real clients (providers/gcp/real-clients.ts: the gax
 * clients over HTTP/JSON, `@google-cloud/storage`, and sls-x's own REST wrappers) against loopback
 * recorders, one per API (SLSX_GCP_ENDPOINT_<API>), so each call's requests are seen as they
 * reach the wire. The recorders answer `{}` (the project lookup as Resource Manager does, an
 * upload with the object's hashes so the storage client does not delete it as corrupt); what
 * the clients make of an answer does not matter here, only what they sent.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GcpClients } from '../../../providers/gcp/clients.js';
import { CRC32C } from '@google-cloud/storage';
import { createClients } from '../../../providers/gcp/real-clients.js';
import { DOC_OF_API, type WireRequest } from './validate.js';

export interface Replayed {
  requests: WireRequest[];
  /** What the client threw, if anything (an answer it did not like; never a reason to fail). */
  error?: string;
}

export interface Recorder {
  clients: GcpClients;
  replay(call: { name: string; input: unknown }): Promise<Replayed>;
  close(): Promise<void>;
}

/** Multi-argument StorageApi methods were recorded as their argument list. */
const SPREAD = new Set(['storage.setBucketLabels', 'storage.setIamPolicy', 'storage.createObject', 'storage.readObject', 'storage.deleteObject']);

/** The media part of a multipart/related upload: the second, after the JSON metadata. */
function uploadedMedia(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return body;
  const media = body.toString('latin1').split(`--${boundary}`)[2];
  if (media === undefined) return undefined;
  return Buffer.from(media.slice(media.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, ''), 'latin1');
}

function hashes(media: Buffer): { md5Hash: string; crc32c: string } {
  const crc = new CRC32C();
  crc.update(media);
  return { md5Hash: createHash('md5').update(media).digest('base64'), crc32c: crc.toString() };
}

export async function startRecorder(project = 'shop-prod'): Promise<Recorder> {
  const seen: WireRequest[] = [];
  const servers: Server[] = [];
  const env: Record<string, string> = {};
  for (const api of Object.keys(DOC_OF_API)) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ api, method: String(req.method), url: String(req.url), contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        res.setHeader('content-type', 'application/json');
        if (api === 'RESOURCEMANAGER') return res.end(JSON.stringify({ name: 'projects/123456789012', projectId: project, state: 'ACTIVE' }));
        const media = req.url?.startsWith('/upload/') ? uploadedMedia(Buffer.concat(chunks), String(req.headers['content-type'])) : undefined;
        res.end(media ? JSON.stringify(hashes(media)) : '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    env[`SLSX_GCP_ENDPOINT_${api}`] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const clients = await createClients(env, project);
  const portOf = (name: string): Record<string, (...args: unknown[]) => Promise<unknown>> => {
    const [port, method] = name.split('.');
    const key = port === 'iam' ? (/ServiceAccount/.test(method) ? 'serviceAccounts' : 'accountPolicies') : port;
    return (clients as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[key];
  };
  return {
    clients,
    async replay(call) {
      seen.length = 0;
      const method = call.name.split('.')[1];
      const api = portOf(call.name);
      const args = SPREAD.has(call.name) && Array.isArray(call.input) ? call.input : [call.input];
      let error: string | undefined;
      try {
        await api[method].apply(api, structuredClone(args));
      } catch (err) {
        error = (err as Error).message;
      }
      // Let any request still in flight land.
      await new Promise((r) => setTimeout(r, 5));
      return { requests: [...seen], error };
    },
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
