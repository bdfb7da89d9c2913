import type { Service } from '../../../src/model/service.js';
import { SUB } from './fake-arm.js';
import { fn, service } from './service.js';

/** The example shop: HTTP with a warm instance, a queue worker, a storage trigger, a secret. */
export function shop(over: { withWorker?: boolean; tables?: boolean } = {}): Service {
  const functions = [
    fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }], env: { TABLE: 'orders' }, concurrency: { max: 50, warm: 1 }, sends: ['orders'] }),
    ...(over.withWorker === false ? [] : [fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 10, batchWindowMs: 0 }], buckets: [{ name: 'uploads', access: 'read' as const }] })]),
    fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'], prefix: 'images/', suffix: '.png' }], secrets: ['STRIPE_KEY'], buckets: [{ name: 'uploads', access: 'readwrite' as const }] }),
  ];
  if (over.tables) {
    // `todos`: written by api, read by worker; `order-items` (a hyphen: a hashed Azure name): read by worker.
    functions[0]!.tables = [{ name: 'todos', access: 'readwrite' }];
    if (over.withWorker !== false) functions[1]!.tables = [{ name: 'todos', access: 'read' }, { name: 'order-items', access: 'read' }];
  }
  return service(functions, {
    ...(over.tables ? { tables: [{ name: 'todos', key: 'id' }, { name: 'order-items', key: 'sku' }] } : {}),
    queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 3, deadLetter: true, retentionMs: 345_600_000 }],
    buckets: [{ name: 'uploads' }],
    targets: { azure: { region: 'westeurope', account: SUB, resourceGroup: 'shop-rg', keyVault: 'shop-vault' } },
  });
}
