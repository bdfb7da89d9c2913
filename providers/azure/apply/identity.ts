import { call, callOrMissing } from '../errors.js';
import type { ApplyContext, ResourceApply } from './context.js';

async function create(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  const got = await call(`userAssignedIdentities createOrUpdate ${name}`, () =>
    c.session.clients.msi.userAssignedIdentities.createOrUpdate(c.rg, name, { location: c.session.region, tags: c.tags }),
  );
  // Grants and app settings need these ids; everything depending on the identity runs after this.
  c.session.known.identityClientId = got.clientId;
  c.session.known.identityPrincipalId = got.principalId;
}

async function remove(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  await callOrMissing(`userAssignedIdentities delete ${name}`, () => c.session.clients.msi.userAssignedIdentities.delete(c.rg, name));
}

/** The app's user-assigned managed identity (what every role assignment is for). */
export const identityApply: ResourceApply = { create, update: create, delete: remove };
