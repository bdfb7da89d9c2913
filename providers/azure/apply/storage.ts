import { breakLock } from '../lock.js';
import { DEPLOYMENT_CONTAINER } from '../naming.js';
import { azureCode, azureStatus, call, callOrMissing } from '../errors.js';
import { settle } from '../retry.js';
import type { ApplyContext, ResourceApply } from './context.js';

async function createAccount(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  await call(`storageAccounts create ${name}`, () =>
    c.session.clients.storage.storageAccounts.beginCreateAndWait(c.rg, name, {
      location: c.session.region,
      sku: { name: String(c.after.sku) as never },
      kind: String(c.after.kind) as never,
      allowBlobPublicAccess: Boolean(c.after.allowBlobPublicAccess),
      allowSharedKeyAccess: Boolean(c.after.allowSharedKeyAccess),
      minimumTlsVersion: String(c.after.minimumTlsVersion) as never,
      tags: c.tags,
    }),
  );
}

async function updateAccount(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  await call(`storageAccounts update ${name}`, () =>
    c.session.clients.storage.storageAccounts.update(c.rg, name, {
      sku: { name: String(c.after.sku) as never },
      allowBlobPublicAccess: Boolean(c.after.allowBlobPublicAccess),
      allowSharedKeyAccess: Boolean(c.after.allowSharedKeyAccess),
      minimumTlsVersion: String(c.after.minimumTlsVersion) as never,
      tags: c.tags,
    }),
  );
}

async function deleteAccount(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  await callOrMissing(`storageAccounts delete ${name}`, () => c.session.clients.storage.storageAccounts.delete(c.rg, name));
}

/** The service's storage account (queues, containers, the app's package and host state). No shared keys: identities only. */
export const storageAccountApply: ResourceApply = { create: createAccount, update: updateAccount, delete: deleteAccount };

async function createContainer(c: ApplyContext): Promise<void> {
  const account = String(c.after.account);
  const name = String(c.after.name);
  await call(`blobContainers create ${account}/${name}`, () => c.session.clients.storage.blobContainers.create(c.rg, account, name, { publicAccess: 'None' }));
}

async function deleteContainer(c: ApplyContext): Promise<void> {
  const account = String(c.before.account);
  const name = String(c.before.name);
  // The package container carries this very deploy's lock lease (see lock.ts): break it first.
  if (name === DEPLOYMENT_CONTAINER) await breakLock(c.session);
  await callOrMissing(`blobContainers delete ${account}/${name}`, () => c.session.clients.storage.blobContainers.delete(c.rg, account, name));
}

/** A blob container (a bucket, the package container, or one of the host's). PUT is idempotent. */
export const containerApply: ResourceApply = { create: createContainer, delete: deleteContainer };

async function createQueue(c: ApplyContext): Promise<void> {
  const account = String(c.after.account);
  const name = String(c.after.name);
  await call(`queue create ${account}/${name}`, () => c.session.clients.storage.queue.create(c.rg, account, name, {}));
}

async function deleteQueue(c: ApplyContext): Promise<void> {
  const account = String(c.before.account);
  const name = String(c.before.name);
  await callOrMissing(`queue delete ${account}/${name}`, () => c.session.clients.storage.queue.delete(c.rg, account, name));
}

/** A storage queue (and, as its own resource, its `-poison` queue). PUT is idempotent. */
export const queueApply: ResourceApply = { create: createQueue, delete: deleteQueue };

/** Azure keeps a deleted table's name for a while (`TableBeingDeleted`): a create right after waits for it. */
function tableBeingDeleted(err: unknown): boolean {
  return azureStatus(err) === 409 && /BeingDeleted/i.test(`${azureCode(err)} ${(err as Error)?.message ?? ''}`);
}

async function createTable(c: ApplyContext): Promise<void> {
  const account = String(c.after.account);
  const name = String(c.after.name);
  await call(`table create ${account}/${name}`, () =>
    settle(
      c.session,
      () =>
        c.session.clients.storage.tableOperations.create(c.rg, account, name).catch((err: unknown) => {
          // Already there (a deploy that stopped after creating it): the account is the stage's own.
          if (azureStatus(err) === 409 && /AlreadyExists/i.test(azureCode(err))) return undefined;
          throw err;
        }),
      tableBeingDeleted,
    ),
  );
}

async function deleteTable(c: ApplyContext): Promise<void> {
  const account = String(c.before.account);
  const name = String(c.before.name);
  await callOrMissing(`table delete ${account}/${name}`, () => c.session.clients.storage.tableOperations.delete(c.rg, account, name));
}

/** A Table Storage table (`tables:`), in the stage's storage account. Identified, like queues, through that account. */
export const tableApply: ResourceApply = { create: createTable, delete: deleteTable };
