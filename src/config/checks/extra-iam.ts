import { pathOf, type CheckContext } from './context.js';

/**
 * The IAM escape hatch (`functions.<fn>.targets.aws.iam`): what it adds is said at validate (the
 * plan marks it [IAM] too), a wildcard is called out, and a target it does not apply to is told
 * that this function gets only the derived permissions there (no silent downgrade).
 */
export function checkExtraIam(ctx: CheckContext): void {
  for (const fn of ctx.service.functions) {
    const extra = fn.extraIam?.aws ?? [];
    if (extra.length === 0) continue;
    const at = [...pathOf(ctx, fn), 'targets', 'aws', 'iam'];
    for (const target of ctx.targets) {
      if (target === 'aws') {
        const lines = extra.map((st) => `${st.effect} ${st.actions.join(', ')} on ${st.resources.join(', ')}`);
        ctx.report.add('warning', 'extra-iam', `Function \`${fn.name}\` adds ${extra.length} IAM statement(s) to its role beyond the derived least-privilege ones: ${lines.join('; ')}.`, {
          path: at,
          target,
          hint: 'Keep them as narrow as the handler needs; they are shown under [IAM] in every plan.',
        });
        extra.forEach((st, i) => {
          if (st.effect === 'Allow' && (st.resources.includes('*') || st.actions.some((a) => a.includes('*')))) {
            ctx.report.add('warning', 'extra-iam-wildcard', `Statement ${i + 1} of \`${fn.name}\` allows ${st.actions.join(', ')} on ${st.resources.join(', ')}: a wildcard grants more than one resource or action.`, {
              path: [...at, i],
              target,
              hint: 'Name the actions and the resource ARNs the handler uses.',
            });
          }
        });
      } else if (target !== 'local') {
        ctx.report.add('warning', 'extra-iam-not-applied', `\`functions.${fn.name}.targets.aws.iam\` applies on aws only: on ${target}, \`${fn.name}\` gets only the permissions sls-x derives.`, {
          path: at,
          target,
          hint: `sls-x has no ${target} escape hatch yet; grant what the handler needs on ${target} outside sls-x, or deploy this function to aws.`,
        });
      }
    }
  }
}
