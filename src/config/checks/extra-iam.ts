import { pathOf, type CheckContext } from './context.js';
import type { FunctionSpec, TargetName } from '../../model/service.js';

/** GCP resources a binding can be set on (their own IAM policy), and what each is. */
export const GCP_HATCH_RESOURCES: Array<{ pattern: RegExp; kind: string }> = [
  { pattern: /^projects\/[^/\s]+\/topics\/[^/\s]+$/, kind: 'Pub/Sub topic' },
  { pattern: /^projects\/[^/\s]+\/subscriptions\/[^/\s]+$/, kind: 'Pub/Sub subscription' },
  { pattern: /^projects\/[^/\s]+\/secrets\/[^/\s]+$/, kind: 'Secret Manager secret' },
  { pattern: /^projects\/_\/buckets\/[^/\s]+$/, kind: 'Cloud Storage bucket' },
  { pattern: /^projects\/[^/\s]+$/, kind: 'project' },
];

const HATCH_PATH: Record<'aws' | 'azure' | 'gcp', string[]> = { aws: ['targets', 'aws', 'iam'], azure: ['targets', 'azure', 'roles'], gcp: ['targets', 'gcp', 'roles'] };

function lines(fn: FunctionSpec, target: 'aws' | 'azure' | 'gcp'): string[] {
  if (target === 'aws') return (fn.extraIam?.aws ?? []).map((st) => `${st.effect} ${st.actions.join(', ')} on ${st.resources.join(', ')}`);
  if (target === 'azure') return (fn.extraIam?.azure ?? []).map((r) => `${r.role} on ${r.scope}`);
  return (fn.extraIam?.gcp ?? []).map((r) => `${r.role} on ${r.resource}`);
}

/**
 * The escape hatches (`functions.<fn>.targets.aws.iam`, `.azure.roles`, `.gcp.roles`): what each
 * adds is said at validate (the plan marks it [IAM] too), a wildcard or a broad scope is called
 * out, Azure's app-wide identity is said, and a target without a hatch for a function that has
 * one elsewhere is told that it gets only the derived permissions there (no silent downgrade).
 */
export function checkExtraIam(ctx: CheckContext): void {
  for (const fn of ctx.service.functions) {
    const has = { aws: (fn.extraIam?.aws ?? []).length > 0, azure: (fn.extraIam?.azure ?? []).length > 0, gcp: (fn.extraIam?.gcp ?? []).length > 0 };
    if (!has.aws && !has.azure && !has.gcp) continue;
    const base = pathOf(ctx, fn);
    // A GCP resource kind sls-x cannot bind on is an error wherever it is listed.
    (fn.extraIam?.gcp ?? []).forEach((r, i) => {
      if (!GCP_HATCH_RESOURCES.some((k) => k.pattern.test(r.resource))) {
        ctx.report.error('extra-iam-unsupported-resource', `\`${r.resource}\` is not a resource sls-x can grant \`${r.role}\` on.`, {
          path: [...base, ...HATCH_PATH.gcp, i, 'resource'],
          hint: `Use a ${GCP_HATCH_RESOURCES.map((k) => k.kind).join(', ')}: e.g. \`projects/<p>/topics/<t>\`, \`projects/_/buckets/<b>\`.`,
        });
      }
    });
    for (const target of ctx.targets) {
      if (target === 'local') continue;
      const t = target as 'aws' | 'azure' | 'gcp';
      if (has[t]) {
        const added = lines(fn, t);
        const what = t === 'aws' ? 'IAM statement(s) to its role' : t === 'azure' ? "role assignment(s) to the Function App's identity" : 'IAM binding(s) to its service account';
        ctx.report.add('warning', 'extra-iam', `Function \`${fn.name}\` adds ${added.length} ${what} beyond the derived least-privilege ones: ${added.join('; ')}.`, {
          path: [...base, ...HATCH_PATH[t]],
          target,
          hint: 'Keep them as narrow as the handler needs; they are shown under [IAM] in every plan.',
        });
        wideOnes(fn, t).forEach(({ index, why }) => {
          ctx.report.add('warning', 'extra-iam-wildcard', `${t === 'aws' ? 'Statement' : 'Entry'} ${index + 1} of \`${fn.name}\` ${why}.`, { path: [...base, ...HATCH_PATH[t], index], target, hint: t === 'aws' ? 'Name the actions and the resource ARNs the handler uses.' : 'Grant on the one resource the handler uses.' });
        });
        if (t === 'azure' && ctx.service.functions.length > 1) {
          ctx.report.add('warning', 'extra-iam-app-wide', `On azure every function of \`${ctx.service.service}\` runs as one identity: what \`${fn.name}\` adds under \`targets.azure.roles\` is granted to all of them.`, {
            path: [...base, ...HATCH_PATH.azure],
            target,
            hint: 'Move functions that must not share it to a service of their own.',
          });
        }
      } else {
        const other = (['aws', 'azure', 'gcp'] as const).filter((o) => has[o]);
        if (other.length === 0) continue;
        ctx.report.add('warning', 'extra-iam-not-applied', `\`${other.map((o) => `functions.${fn.name}.${HATCH_PATH[o].join('.')}`).join('` and `')}\` ${other.length > 1 ? 'apply' : 'applies'} on ${other.join(' and ')} only: on ${target}, \`${fn.name}\` gets only the permissions sls-x derives.`, {
          path: [...base, ...HATCH_PATH[other[0]!]],
          target,
          hint: `Add \`targets.${target}.${target === 'aws' ? 'iam' : 'roles'}\` to \`${fn.name}\` for what its handler needs on ${target}.`,
        });
      }
    }
  }
}

/** Entries that grant more than one resource or action: AWS wildcards, Azure subscription/resource-group scopes, GCP projects. */
function wideOnes(fn: FunctionSpec, target: Exclude<TargetName, 'local'>): Array<{ index: number; why: string }> {
  if (target === 'aws') {
    return (fn.extraIam?.aws ?? []).flatMap((st, index) =>
      st.effect === 'Allow' && (st.resources.includes('*') || st.actions.some((a) => a.includes('*'))) ? [{ index, why: `allows ${st.actions.join(', ')} on ${st.resources.join(', ')}: a wildcard grants more than one resource or action` }] : [],
    );
  }
  if (target === 'azure') {
    return (fn.extraIam?.azure ?? []).flatMap((r, index) => (/\/providers\//i.test(r.scope) ? [] : [{ index, why: `assigns ${r.role} on a whole ${/resourceGroups/i.test(r.scope) ? 'resource group' : 'subscription'} (${r.scope})` }]));
  }
  return (fn.extraIam?.gcp ?? []).flatMap((r, index) => (/^projects\/[^/]+$/.test(r.resource) ? [{ index, why: `grants ${r.role} on the whole project ${r.resource}` }] : []));
}
