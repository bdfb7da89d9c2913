import type { Outputs } from '../core/adapter.js';
import type { Change, ChangeAction, Plan } from '../core/resources.js';

const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', replace: '±', delete: '-', noop: '=' };

export function summarize(changes: Change[]): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = { create: 0, update: 0, replace: 0, delete: 0, noop: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}

/** The plan as text: every change with its reasons; IAM (security) changes flagged. */
export function renderPlan(plan: Plan): string {
  const { scope } = plan;
  const where = [scope.target, scope.account && `account ${scope.account}`, scope.region].filter(Boolean).join(', ');
  const lines = [`Plan for ${scope.service} (stage ${scope.stage}) on ${where}:`];
  const work = plan.changes.filter((c) => c.action !== 'noop');
  const width = Math.max(0, ...work.map((c) => c.id.length));
  for (const c of work) {
    const flag = c.security ? '  [IAM]' : '';
    lines.push(`  ${SYMBOL[c.action]} ${c.action.padEnd(7)} ${c.id.padEnd(width)}  ${c.reasons[0] ?? ''}${flag}`);
    for (const reason of c.reasons.slice(1)) lines.push(`  ${' '.repeat(10 + width)}  ${reason}`);
  }
  const n = summarize(plan.changes);
  if (work.length === 0) lines.push('  No changes: everything is up to date.');
  lines.push(`  ${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete, ${n.noop} unchanged.`);
  const security = work.filter((c) => c.security);
  if (security.length > 0) lines.push(`  ! ${security.length} identity/permission (IAM) change(s): review them before applying.`);
  return `${lines.join('\n')}\n`;
}

export function renderOutputs(outputs: Outputs): string {
  const lines: string[] = [];
  if (outputs.endpoints.length > 0) {
    lines.push('Endpoints:');
    const width = Math.max(...outputs.endpoints.map((e) => e.method.length));
    for (const e of outputs.endpoints) lines.push(`  ${e.method.padEnd(width)} ${e.url}  (${e.function})`);
  }
  if (outputs.functions.length > 0) {
    lines.push('Functions:');
    for (const f of outputs.functions) lines.push(`  ${f.name}${f.physicalName && f.physicalName !== f.name ? `  ${f.physicalName}` : ''}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
