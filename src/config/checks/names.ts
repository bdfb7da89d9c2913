import type { CheckContext } from './context.js';

const SERVICE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const STAGE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FUNCTION = /^[A-Za-z][A-Za-z0-9_-]*$/;
const RESOURCE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Names every target accepts. They become parts of cloud resource names, so the neutral rule is
 * the strictest common one; per-target length rules are in checks/targets.ts.
 */
export function checkNames(ctx: CheckContext): void {
  const { raw, report, service } = ctx;
  if (raw.service !== undefined && !SERVICE.test(raw.service)) {
    report.error('invalid-name', `Service name \`${raw.service}\` is not valid.`, {
      path: ['service'],
      hint: 'Use lowercase letters, digits and single hyphens, starting with a letter (e.g. `shop-api`): it is part of every resource name, and buckets and Azure apps accept nothing else.',
    });
  }
  if (!STAGE.test(service.stage)) {
    report.error('invalid-name', `Stage \`${service.stage}\` is not valid.`, {
      ...(raw.stage !== undefined ? { path: ['stage'] } : {}),
      hint: 'Use lowercase letters, digits and single hyphens (e.g. `dev`, `prod`, `pr-42`).',
    });
  }
  for (const name of Object.keys(raw.functions ?? {})) {
    if (!FUNCTION.test(name)) {
      report.error('invalid-name', `Function name \`${name}\` is not valid.`, {
        path: ['functions', name],
        part: 'key',
        hint: 'Use letters, digits, `-` and `_`, starting with a letter.',
      });
    }
  }
  for (const [kind, map] of [['queue', raw.queues], ['bucket', raw.buckets], ['table', raw.tables]] as const) {
    for (const name of Object.keys(map ?? {})) {
      if (!RESOURCE.test(name)) {
        report.error('invalid-name', `${kind[0]!.toUpperCase()}${kind.slice(1)} name \`${name}\` is not valid.`, {
          path: [`${kind}s`, name],
          part: 'key',
          hint: `Use lowercase letters, digits and single hyphens, starting with a letter (e.g. \`${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'orders'}\`).`,
        });
      }
    }
  }
  for (const [name, b] of Object.entries(raw.buckets ?? {})) {
    if (b?.existing !== undefined && !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(b.existing)) {
      report.error('invalid-name', `\`${b.existing}\` is not a valid bucket name.`, {
        path: ['buckets', name, 'existing'],
        hint: 'Existing bucket names are 3-222 lowercase letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit.',
      });
    }
  }
}
