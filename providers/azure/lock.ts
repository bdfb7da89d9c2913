import type { AdapterContext, LockInfo } from '../../src/core/adapter.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { azureCode, azureStatus, isNotFound, mapAzureError } from './errors.js';
import { DEPLOYMENT_CONTAINER } from './naming.js';
import type { Session } from './session.js';
import { keepRenewed } from '../../src/apply/lock-renewal.js';

/** Seconds a lease lives without renewal (Azure allows 15-60): a dead deploy's lock frees itself. */
export const LEASE_SECONDS = 60;
export const RENEW_MS = 30_000;

/**
 * Per-stage deploy lock: a lease on the service's package container, taken through Resource
 * Manager (`blobContainers/lease`, atomic: a second Acquire gets 409), renewed while the deploy
 * runs and released at the end; a deploy that died loses it after 60 s. The very first deploy
 * of a stage has no storage account to lock yet: it runs unlocked (every change is idempotent,
 * so two first deploys converge). The lease does not stop blob writes (the package upload).
 */
export async function acquireLock(session: Session, ctx: AdapterContext): Promise<() => Promise<void>> {
  const containers = session.clients.storage.blobContainers;
  const rg = session.names.resourceGroup;
  const account = session.names.storageAccount;
  const lease = (parameters: { action: 'Acquire' | 'Renew' | 'Release'; leaseId?: string; leaseDuration?: number }) =>
    containers.lease(rg, account, DEPLOYMENT_CONTAINER, { parameters });
  let leaseId: string;
  try {
    leaseId = (await lease({ action: 'Acquire', leaseDuration: LEASE_SECONDS })).leaseId ?? '';
  } catch (err) {
    if (isNotFound(err)) return async () => {};
    if (azureStatus(err) === 409 || azureCode(err) === 'LeaseAlreadyPresent') {
      throw new SlsxError('DEPLOY_LOCKED', `Another deploy of ${session.service}/${session.stage} is running (it holds the lease on ${account}/${DEPLOYMENT_CONTAINER}).`, {
        hint: `Wait for it to finish. If that deploy died, its lock frees itself within ${LEASE_SECONDS} s; deploy again after that.`,
        cause: err,
      });
    }
    throw mapAzureError(err, `blobContainers lease ${account}/${DEPLOYMENT_CONTAINER}`);
  }
  const renewal = keepRenewed(
    async () => void (await lease({ action: 'Renew', leaseId })),
    RENEW_MS,
    (err) => ctx.events({ type: 'warn', message: `The deploy lock of ${session.service}/${session.stage} could not be renewed (${err instanceof Error ? err.message : String(err)}): another deploy can start once its lease lapses.` }),
  );
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    renewal.stop();
    await lease({ action: 'Release', leaseId }).catch(() => undefined);
  };
}

/** Break the lock's lease (a remove deletes the locked container itself). */
export async function breakLock(session: Session): Promise<void> {
  await session.clients.storage.blobContainers
    .lease(session.names.resourceGroup, session.names.storageAccount, DEPLOYMENT_CONTAINER, { parameters: { action: 'Break', breakPeriod: 0 } })
    .catch(() => undefined);
}

/**
 * Who holds the stage's lock (`sls-x unlock`): the package container's lease state. A lease
 * names no holder, and one lapses 60 s after its deploy died, so `live` is "leased".
 */
export async function azureLockInfo(session: Session): Promise<LockInfo | undefined> {
  const c = await session.clients.storage.blobContainers.get(session.names.resourceGroup, session.names.storageAccount, DEPLOYMENT_CONTAINER).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw mapAzureError(err, `blobContainers get ${session.names.storageAccount}/${DEPLOYMENT_CONTAINER}`);
  });
  if (!c || String(c.leaseState ?? '').toLowerCase() !== 'leased') return undefined;
  return { holder: 'a deploy (Azure leases name no holder)', live: true, where: `lease on ${session.names.storageAccount}/${DEPLOYMENT_CONTAINER}` };
}

/** Break the stage's lease at once (`sls-x unlock --force`). */
export async function azureBreakLock(session: Session): Promise<void> {
  await session.clients.storage.blobContainers
    .lease(session.names.resourceGroup, session.names.storageAccount, DEPLOYMENT_CONTAINER, { parameters: { action: 'Break', breakPeriod: 0 } })
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw mapAzureError(err, `blobContainers lease Break ${session.names.storageAccount}/${DEPLOYMENT_CONTAINER}`);
    });
}
