import { call, callOrMissing } from '../errors.js';
import type { ApplyContext, ResourceApply } from './context.js';

async function create(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  await call(`appServicePlans createOrUpdate ${name}`, () =>
    c.session.clients.web.appServicePlans.beginCreateOrUpdateAndWait(c.rg, name, {
      location: c.session.region,
      kind: 'functionapp',
      reserved: true,
      sku: { name: String(c.after.sku), tier: String(c.after.tier) },
      tags: c.tags,
    }),
  );
}

async function remove(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  await callOrMissing(`appServicePlans delete ${name}`, () => c.session.clients.web.appServicePlans.delete(c.rg, name));
}

/** The Flex Consumption plan (FC1, Linux) the one Function App runs on. */
export const flexPlanApply: ResourceApply = { create, update: create, delete: remove };
