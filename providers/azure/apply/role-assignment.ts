import { createHash } from 'node:crypto';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { azureCode, callOrMissing, isNotFound, mapAzureError } from '../errors.js';
import { isHatchId } from '../extra-iam.js';
import { resolve } from '../session.js';
import type { ApplyContext, ResourceApply } from './context.js';
import { withBackoff } from '../../../src/apply/backoff.js';

/** A deterministic GUID for (scope, role, principal): re-running a create finds the same assignment. */
export function assignmentName(scope: string, roleDefinitionId: string, principalId: string): string {
  const h = createHash('sha256').update(`${scope.toLowerCase()}|${roleDefinitionId.toLowerCase()}|${principalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function create(c: ApplyContext): Promise<void> {
  const after = resolve(c.change.after ?? {}, c.session);
  const principalId = String(after.principalId);
  if (principalId.startsWith('${')) throw new SlsxError('INTERNAL', `azure: the identity's principal id is unknown while granting ${c.change.id}.`);
  const scope = String(after.scope);
  const roleDefinitionId = String(after.roleDefinitionId);
  const name = assignmentName(scope, roleDefinitionId, principalId);
  const ra = c.session.clients.authorization.roleAssignments;
  const create = async (): Promise<void> => {
    try {
      await ra.create(scope.replace(/^\/+/, ''), name, { roleDefinitionId, principalId, principalType: 'ServicePrincipal', description: `sls-x ${c.session.service}/${c.session.stage} ${c.change.id}` } as never);
    } catch (err) {
      if (azureCode(err) !== 'RoleAssignmentExists') throw err;
    }
  };
  // A new identity takes a moment to reach Entra ID replicas: retry with backoff (injected sleep).
  await withBackoff(create, { attempts: 6, sleep: c.session.clients.sleep, baseMs: 2000, maxMs: 30_000, retryIf: (err) => azureCode(err) === 'PrincipalNotFound' }).catch((err: unknown) => {
    // An escape-hatch scope is not sls-x's: one that does not exist stops the deploy, naming it.
    if (isHatchId(c.change.id) && isNotFound(err)) {
      throw new SlsxError('USAGE', `The scope of a \`targets.azure.roles\` entry does not exist (or the credentials in use cannot see it): ${scope} (${azureCode(err) || 'not found'}).`, {
        hint: 'Create the resource first, or fix its id in faas.yaml (or in the `references:` entry its `${ref:...}` names).',
        cause: err,
      });
    }
    throw mapAzureError(err, `roleAssignments create ${c.change.id}`);
  });
}

async function remove(c: ApplyContext): Promise<void> {
  const id = c.physicalId;
  if (!id) return;
  await callOrMissing(`roleAssignments delete ${c.change.id}`, () => c.session.clients.authorization.roleAssignments.deleteById(id.replace(/^\/+/, '')));
}

/**
 * One role on one scope for the app's identity: a derived grant, or an escape-hatch entry on a
 * scope sls-x does not manage (only the assignment is ever deleted, never its scope). Assignments
 * cannot change: update = delete + create.
 */
export const roleAssignmentApply: ResourceApply = { create, delete: remove };
