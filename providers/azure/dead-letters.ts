import type { AdapterContext, DeadLetterView } from '../../src/core/adapter.js';
import { deadLetterQueueOf } from '../../src/core/dead-letter-queue.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { QueueSpec, Service } from '../../src/model/service.js';
import { openEnvelope, STORAGE_VERSION, xmlValue } from '../../templates/shims/common/azure-resources.js';
import { dataPlaneRequest } from './data-plane.js';
import { session } from './operations.js';
import type { Session } from './session.js';

/** Storage hands out at most 32 messages per Get Messages; at most 32 gets (1,024 dead letters) per command. */
const BATCH = 32;
export const MAX_GETS = 32;
/** How long received dead letters stay hidden while a command works on them (handed back at once after a listing). */
const HOLD_SECONDS = 60;
/** Storage's own audience: the deploying identity needs a data role on the account (Storage Queue Data Contributor). */
const STORAGE_SCOPE = 'https://storage.azure.com/.default';

interface PoisonMessage {
  id: string;
  popReceipt: string;
  insertedAt: number;
  /** As stored: base64 of the message's bytes (the shim's envelope when it carries attributes). */
  text: string;
}

/**
 * The stage's Queue service: `https://<account>.queue.core.windows.net`, or SLSX_AZURE_QUEUE_ENDPOINT
 * (an https:// URL, e.g. Azurite's `https://127.0.0.1:10001/devstoreaccount1`): a bearer token is
 * never sent over plain HTTP.
 */
function queueService(s: Session, env: NodeJS.ProcessEnv): string {
  const own = env.SLSX_AZURE_QUEUE_ENDPOINT;
  if (own) {
    if (!own.startsWith('https://')) throw new SlsxError('USAGE', `SLSX_AZURE_QUEUE_ENDPOINT must be an https:// URL (got '${own}'): Azure credentials are never sent over plain HTTP.`, { hint: 'Use the Queue service URL over HTTPS.' });
    return own.replace(/\/+$/, '');
  }
  return `https://${s.names.storageAccount}.queue.core.windows.net`;
}

async function storage(s: Session, doing: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: string): Promise<string> {
  let res;
  try {
    res = await dataPlaneRequest(s.clients, doing, {
      method,
      url,
      scope: STORAGE_SCOPE,
      headers: { 'x-ms-version': STORAGE_VERSION },
      ...(body !== undefined ? { body, contentType: 'application/xml' } : {}),
    });
  } catch (err) {
    // Resource Manager roles (Owner, Contributor) give no access to queue messages: a data role does.
    if (err instanceof SlsxError && err.code === 'ACCESS_DENIED') {
      throw new SlsxError('ACCESS_DENIED', `Azure refused ${doing}: reading and moving queue messages takes a data role on the stage's storage account (${s.names.storageAccount}).`, {
        hint: `Grant the identity running sls-x "Storage Queue Data Contributor" on the storage account ${s.names.storageAccount} (az role assignment create --role "Storage Queue Data Contributor" --assignee <you> --scope <the account's id>).`,
        cause: err,
      });
    }
    throw err;
  }
  if (res.status === 404) throw new SlsxError('FUNCTION_NOT_FOUND', `${doing}: the queue is not deployed to Azure (${url.split('?')[0]}).`, { hint: 'Run `sls-x deploy --target azure` first.' });
  if (res.status >= 300) throw new SlsxError('CLOUD_ERROR', `Azure call failed: ${doing}: HTTP ${res.status} ${xmlValue(res.body, 'Message')?.text ?? res.body.slice(0, 200)}`);
  return res.body;
}

/** Every message of the poison queue, each once, kept hidden for HOLD_SECONDS while the command works on them. */
async function getAll(s: Session, base: string, queue: string): Promise<PoisonMessage[]> {
  const out: PoisonMessage[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < MAX_GETS; i++) {
    const xml = await storage(s, `get messages of ${queue}`, 'GET', `${base}/${queue}/messages?numofmessages=${BATCH}&visibilitytimeout=${HOLD_SECONDS}`);
    const fresh = (xml.match(/<QueueMessage>[\s\S]*?<\/QueueMessage>/g) ?? [])
      .map((m) => ({
        id: xmlValue(m, 'MessageId')?.text ?? '',
        popReceipt: xmlValue(m, 'PopReceipt')?.text ?? '',
        insertedAt: Date.parse(xmlValue(m, 'InsertionTime')?.text ?? '') || 0,
        text: xmlValue(m, 'MessageText')?.text ?? '',
      }))
      .filter((m) => m.id && m.popReceipt && !seen.has(m.id));
    for (const m of fresh) seen.add(m.id);
    out.push(...fresh);
    if (fresh.length === 0) break;
  }
  return out;
}

const messageUrl = (base: string, queue: string, m: PoisonMessage, visibility?: number): string =>
  `${base}/${queue}/messages/${encodeURIComponent(m.id)}?popreceipt=${encodeURIComponent(m.popReceipt)}${visibility === undefined ? '' : `&visibilitytimeout=${visibility}`}`;

function view(m: PoisonMessage, q: QueueSpec): DeadLetterView {
  const { body } = openEnvelope(Buffer.from(m.text, 'base64'));
  // The Functions host moves a message to <queue>-poison after maxDequeueCount (maxRetries + 1) tries.
  return { id: m.id, body: Buffer.from(body).toString('utf8'), attempts: q.maxRetries + 1, enqueuedAt: m.insertedAt, failedAt: m.insertedAt, lastError: null };
}

/** The dead letters of a queue on Azure: got from its `-poison` queue and made visible again at once (listing removes nothing). */
export async function azureDeadLetters(service: Service, queue: string, ctx: AdapterContext): Promise<DeadLetterView[]> {
  const q = deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const base = queueService(s, ctx.env);
  const poison = s.names.queue(queue, true);
  const messages = await getAll(s, base, poison);
  for (const m of messages) await storage(s, `hand back a message of ${poison}`, 'PUT', messageUrl(base, poison, m, 0));
  return messages.map((m) => view(m, q));
}

/**
 * Redrive on Azure: each poison message is put on the queue again as it was stored (so its
 * attributes' envelope travels too), and only then deleted from `<queue>-poison`: a failure in
 * between repeats a message rather than losing it.
 */
export async function azureRedrive(service: Service, queue: string, ctx: AdapterContext): Promise<number> {
  deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const base = queueService(s, ctx.env);
  const target = s.names.queue(queue);
  const poison = s.names.queue(queue, true);
  const messages = await getAll(s, base, poison);
  for (const m of messages) {
    await storage(s, `put a message on ${target}`, 'POST', `${base}/${target}/messages`, `<QueueMessage><MessageText>${m.text}</MessageText></QueueMessage>`);
    await storage(s, `delete a message of ${poison}`, 'DELETE', messageUrl(base, poison, m));
  }
  return messages.length;
}
