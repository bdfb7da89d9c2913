import { all, call, callOrMissing } from '../errors.js';
import { ours } from '../observe.js';
import type { ApplyContext, ResourceApply } from './context.js';

async function create(c: ApplyContext): Promise<void> {
  const groups = c.session.clients.resources.resourceGroups;
  const name = String(c.after.name);
  // Using an existing group is fine (the config may name one); only a group sls-x makes gets its tags.
  const existing = await callOrMissing(`resourceGroups get ${name}`, () => groups.get(name));
  if (existing) return;
  await call(`resourceGroups createOrUpdate ${name}`, () => groups.createOrUpdate(name, { location: c.session.region, tags: c.tags }));
}

/**
 * Delete the resource group only when sls-x created it (it carries the tags) and nothing else
 * is left in it: a group someone shares with sls-x, or put other things in, stays.
 */
async function remove(c: ApplyContext): Promise<void> {
  const clients = c.session.clients.resources;
  const name = String(c.before.name);
  const group = await callOrMissing(`resourceGroups get ${name}`, () => clients.resourceGroups.get(name));
  if (!group || !ours(group.tags as Record<string, string> | undefined, c.session)) return;
  const left = await all(`resources list ${name}`, clients.resources.listByResourceGroup(name), 1);
  if (left.length > 0) return;
  await call(`resourceGroups delete ${name}`, () => clients.resourceGroups.beginDeleteAndWait(name));
}

/** The resource group: created and tagged when missing; an existing one is used as it is. */
export const resourceGroupApply: ResourceApply = { create, update: create, delete: remove };
