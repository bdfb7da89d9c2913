import { createHash } from 'node:crypto';
import type { Change, ChangeAction, Plan } from '../core/resources.js';
import { summarize } from '../ui/render-plan.js';

/** GitHub refuses comment bodies over 65,536 characters; the plan table is cut well before. */
export const MAX_BODY = 60_000;

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '±', delete: '-', noop: '=' };

/**
 * The hidden first line that finds this step's comment again: one comment per config, stage and
 * target (the step's inputs), updated on every push instead of a new one each time. The key is a
 * hash, so nothing an input holds (`-->`, markdown) can end the HTML comment early.
 */
export function commentMarker(inputs: { config?: string; stage?: string; target?: string }): string {
  const key = createHash('sha256').update(JSON.stringify([inputs.config ?? '', inputs.stage ?? '', inputs.target ?? ''])).digest('hex').slice(0, 16);
  return `<!-- sls-x-action comment ${key} -->`;
}

/**
 * Text of a table cell: a value from faas.yaml or the cloud (a PR may set it) shows as text, never
 * as markup: no HTML, no cell break, no @mention that pings anyone.
 */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/@/g, '&#64;')
    .replace(/\r?\n/g, ' ');
}

/** The plan as a markdown table: every change but the unchanged ones, IAM changes flagged. */
export function planMarkdown(plan: Plan, verb: 'plan' | 'deploy', budget = MAX_BODY / 2): string {
  const { scope } = plan;
  // The account / subscription / project id is left out: the comment may be public.
  const where = [scope.target, scope.region].filter(Boolean).map((s) => cell(String(s))).join(', ');
  const lines = [`### sls-x ${verb === 'deploy' ? 'deployed' : 'plan'}: ${cell(scope.service)} (stage ${cell(scope.stage)}) on ${where}`, ''];
  const work = plan.changes.filter((c) => c.action !== 'noop');
  if (work.length === 0) {
    lines.push('No changes: everything is up to date.');
  } else {
    lines.push('| | change | resource | type | why |', '|---|---|---|---|---|');
    let used = lines.join('\n').length;
    for (let i = 0; i < work.length; i++) {
      const row = changeRow(work[i]);
      if (used + row.length > budget) {
        lines.push(`| | | ${work.length - i} more change${work.length - i === 1 ? '' : 's'} | | see the job log |`);
        break;
      }
      lines.push(row);
      used += row.length + 1;
    }
  }
  const n = summarize(plan.changes);
  lines.push('', `**${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete**, ${n.noop} unchanged.`);
  const security = work.filter((c) => c.security).length;
  if (security > 0) lines.push('', `**${security} identity/permission (IAM) change${security === 1 ? '' : 's'}** (marked IAM): review before applying.`);
  return lines.join('\n');
}

function changeRow(c: Change): string {
  const why = c.reasons.length > 0 ? c.reasons.map(cell).join('<br>') : '';
  return `| ${SYMBOL[c.action]} | ${c.action}${c.security ? ' **IAM**' : ''} | \`${cell(c.id).replace(/`/g, "'")}\` | ${cell(c.type)} | ${why} |`;
}

/**
 * Replace every value of a secret-looking environment variable (a token, key, password or
 * credential the job holds) that appears in `text` with `***`. Plans never hold secret values by
 * design (docs/architecture.md); this is the second lock on a body that leaves the job.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  const values = Object.entries(env)
    .filter(([name, value]) => /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|_KEY|^KEY/i.test(name) && typeof value === 'string' && value.length >= 8)
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
  for (const v of values) out = out.split(v).join('***');
  return out;
}

export interface CommentParts {
  marker: string;
  command: string;
  /** The plan (`plan` / `deploy`), when the command printed one. */
  plan?: Plan;
  /** The cost table (markdown), or why there is none. */
  cost?: { markdown: string } | { error: string };
  /** The command failed: its exit code. */
  failed?: number;
  /** Link to the workflow run. */
  runUrl?: string;
}

/** The whole comment: marker, plan table, cost table, a link to the run. */
export function commentBody(parts: CommentParts, env: NodeJS.ProcessEnv): string {
  const out = [parts.marker];
  if (parts.failed !== undefined) {
    out.push(`### sls-x ${cell(parts.command)} failed (exit code ${parts.failed})`, '', 'Nothing below is current: see the job log for what went wrong.');
  } else if (parts.plan) {
    out.push(planMarkdown(parts.plan, parts.command === 'deploy' ? 'deploy' : 'plan'));
  }
  if (parts.cost && 'markdown' in parts.cost) out.push('', parts.cost.markdown.trim());
  else if (parts.cost) out.push('', `_Cost not estimated: ${cell(parts.cost.error)}_`);
  if (parts.runUrl) out.push('', `<sub>Posted by the sls-x GitHub Action, [run](${parts.runUrl}). Updated in place on every run.</sub>`);
  let body = redactSecrets(out.join('\n'), env);
  if (body.length > MAX_BODY) body = `${body.slice(0, MAX_BODY)}\n\n_(cut: see the job log)_`;
  return `${body}\n`;
}
