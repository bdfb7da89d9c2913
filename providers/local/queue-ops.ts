import { SlsxError } from '../../src/errors/slsx-error.js';
import type { Service } from '../../src/model/service.js';
import { controlClient } from './clients.js';
import { ensureRunning } from './launcher.js';

import type { DeadLetterView } from '../../src/core/adapter.js';

export type { DeadLetterView };

function checkQueue(service: Service, queue: string): void {
  if (!service.queues.some((q) => q.name === queue)) {
    throw new SlsxError('USAGE', `There is no queue '${queue}' in ${service.service}.`, { hint: `Queues: ${service.queues.map((q) => q.name).join(', ') || 'none (declare them under `queues:`)'}.` });
  }
}

function checkBucket(service: Service, bucket: string): void {
  if (!service.buckets.some((b) => b.name === bucket)) {
    throw new SlsxError('USAGE', `There is no bucket '${bucket}' in ${service.service}.`, { hint: `Buckets: ${service.buckets.map((b) => b.name).join(', ') || 'none (declare them under `buckets:`)'}.` });
  }
}

async function client(service: Service, env: NodeJS.ProcessEnv) {
  return controlClient(await ensureRunning(service.root, { port: service.targets.local?.port ?? 0, env, stage: service.stage }));
}

/** Send messages to a queue of the local cloud (started if needed). Returns their ids. */
export async function sendLocal(service: Service, queue: string, bodies: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  checkQueue(service, queue);
  const out = await (await client(service, env)).post<{ ids: string[] }>('queues/send', { queue, messages: bodies.map((body) => ({ body })) });
  return out.ids;
}

export async function deadLettersLocal(service: Service, queue: string, env: NodeJS.ProcessEnv = process.env): Promise<DeadLetterView[]> {
  checkQueue(service, queue);
  const out = await (await client(service, env)).get<{ messages: DeadLetterView[] }>(`queues/dlq?queue=${encodeURIComponent(queue)}`);
  return out.messages;
}

export async function redriveLocal(service: Service, queue: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  checkQueue(service, queue);
  return (await (await client(service, env)).post<{ moved: number }>('queues/redrive', { queue })).moved;
}

/** Put bytes into a local bucket; its storage triggers fire. */
export async function bucketPutLocal(service: Service, bucket: string, key: string, content: Buffer, env: NodeJS.ProcessEnv = process.env): Promise<{ key: string; size: number }> {
  checkBucket(service, bucket);
  return (await client(service, env)).post('buckets/put', { bucket, key, contentBase64: content.toString('base64') });
}

/** Queue depths and dead-letter counts, functions and their live instances. */
export async function healthLocal(service: Service, env: NodeJS.ProcessEnv = process.env) {
  return (await client(service, env)).get<{
    pid: number;
    port: number;
    functions: Array<{ name: string; sha256: string; instances: number; busy: number; idle: number }>;
    queues: Array<{ name: string; depth: number; deadLetters: number }>;
  }>('health');
}
