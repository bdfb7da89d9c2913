import { call, errorKind, ignoreMissing } from '../errors.js';
import { parseMarker } from '../naming.js';
import { notOurs, parents, type ApplyContext, type ResourceApply } from './context.js';

const email = (c: ApplyContext, props = c.after): string => `${String(props.accountId)}@${c.session.project}.iam.gserviceaccount.com`;
const path = (c: ApplyContext, props = c.after): string => `projects/${c.session.project}/serviceAccounts/${email(c, props)}`;

async function patch(c: ApplyContext): Promise<void> {
  await call(`iam.serviceAccounts.patch ${email(c)}`, () =>
    c.session.clients.serviceAccounts.patchServiceAccount({
      name: path(c),
      serviceAccount: { displayName: String(c.after.displayName), description: String(c.after.description) },
      updateMask: 'displayName,description',
    }),
  );
}

async function create(c: ApplyContext): Promise<void> {
  const api = c.session.clients.serviceAccounts;
  try {
    await api.createServiceAccount({
      name: parents(c).project,
      accountId: String(c.after.accountId),
      serviceAccount: { displayName: String(c.after.displayName), description: String(c.after.description) },
    });
  } catch (err) {
    if (errorKind(err) !== 'conflict') return call(`iam.serviceAccounts.create ${email(c)}`, () => Promise.reject(err));
    // Created by an interrupted run: take it over only if its description says it is ours.
    const got = await call(`iam.serviceAccounts.get ${email(c)}`, () => api.getServiceAccount({ name: path(c) }));
    const m = parseMarker(got?.description);
    if (!m || m.service !== c.session.service || m.stage !== c.session.stage) {
      throw notOurs('service account', email(c), 'Another service uses this account id: rename the function or stage, or delete the account.');
    }
    if (got?.displayName !== c.after.displayName || got?.description !== c.after.description) await patch(c);
  }
}

async function remove(c: ApplyContext): Promise<void> {
  await ignoreMissing(`iam.serviceAccounts.delete ${email(c, c.before)}`, () => c.session.clients.serviceAccounts.deleteServiceAccount({ name: path(c, c.before) }));
}

/** One service account per function (and one Scheduler invoker): the identity its grants go to. */
export const serviceAccountApply: ResourceApply = { create, update: patch, delete: remove };
