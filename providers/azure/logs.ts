import type { AdapterContext } from '../../src/core/adapter.js';
import type { LogLine } from '../../src/model/invocation.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { API_VERSIONS, bare } from './apply/monitor.js';
import { dataPlaneRequest } from './data-plane.js';
import { callOrMissing } from './errors.js';
import { resolve, ids, type Session } from './session.js';
import { session, spec } from './operations.js';

/** Polls of `logs --follow` before it stops by itself (about an hour at 5 s). */
export const FOLLOW_MAX_POLLS = 720;
export const FOLLOW_INTERVAL_MS = 5000;
export const DEFAULT_LOG_ANALYTICS_ENDPOINT = 'https://api.loganalytics.io';
const MAX_ROWS = 1000;

const LEVELS: Record<string, LogLine['level']> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error' };
/** Application Insights severity levels 0..4 (Verbose, Information, Warning, Error, Critical). */
const SEVERITY: LogLine['level'][] = ['debug', 'info', 'warn', 'error', 'error'];

interface QueryTable {
  columns: Array<{ name: string }>;
  rows: unknown[][];
}

/** Run a KQL query against the app's Log Analytics workspace (the query API, `<endpoint>/v1/workspaces/<id>/query`). */
export async function queryWorkspace(s: Session, env: NodeJS.ProcessEnv, query: string): Promise<Array<Record<string, unknown>>> {
  const workspace = await workspaceCustomerId(s);
  const endpoint = (env.AZURE_LOG_ANALYTICS_ENDPOINT ?? DEFAULT_LOG_ANALYTICS_ENDPOINT).replace(/\/+$/, '');
  if (!endpoint.startsWith('https://')) {
    // The query carries a bearer token: never over plain HTTP (as for AZURE_RESOURCE_MANAGER_ENDPOINT).
    throw new SlsxError('USAGE', `AZURE_LOG_ANALYTICS_ENDPOINT must be an https:// URL (got '${endpoint}'): Azure credentials are never sent over plain HTTP.`, {
      hint: 'Unset it for the public cloud (https://api.loganalytics.io), or give the https:// endpoint of your cloud.',
    });
  }
  const doing = 'Log Analytics query';
  const res = await dataPlaneRequest(s.clients, doing, {
    method: 'POST',
    url: `${endpoint}/v1/workspaces/${workspace}/query`,
    body: JSON.stringify({ query }),
    contentType: 'application/json',
    scope: `${endpoint}/.default`,
  });
  if (res.status !== 200) throw new SlsxError('CLOUD_ERROR', `Azure call failed: ${doing} (HTTP ${res.status}): ${res.body.slice(0, 300)}`);
  const table = (JSON.parse(res.body) as { tables?: QueryTable[] }).tables?.[0];
  if (!table) return [];
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]])));
}

async function workspaceCustomerId(s: Session): Promise<string> {
  if (s.known.workspaceCustomerId) return s.known.workspaceCustomerId;
  const id = resolve(ids.workspace(s.names.resourceGroup, s.names.workspace), s);
  const w = await callOrMissing(`workspaces get ${s.names.workspace}`, () => s.clients.resources.resources.getById(bare(id), API_VERSIONS.workspace));
  const customerId = (w?.properties as { customerId?: string } | undefined)?.customerId;
  if (!customerId) throw new SlsxError('FUNCTION_NOT_FOUND', `No Log Analytics workspace for ${s.service}/${s.stage} (${s.names.workspace} in ${s.names.resourceGroup}).`, { hint: 'Run `sls-x deploy --target azure` first.' });
  s.known.workspaceCustomerId = customerId;
  return customerId;
}

const kql = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** One AppTraces row as a LogLine: the shim's JSON lines (`{ time, level, fn, requestId, msg, data }`) or the host's text. */
export function traceToLine(row: Record<string, unknown>, fn: string): LogLine {
  const time = Date.parse(String(row.TimeGenerated));
  const message = String(row.Message ?? '');
  const props = (typeof row.Properties === 'string' ? safeJson(row.Properties) : row.Properties) as Record<string, string> | undefined;
  const requestId = props?.InvocationId ?? (row.OperationId ? String(row.OperationId) : undefined);
  if (message.startsWith('{')) {
    const data = safeJson(message) as Record<string, unknown> | undefined;
    if (data) {
      const line: LogLine = { time, function: fn, level: LEVELS[String(data.level)] ?? 'info', message: String(data.msg ?? data.message ?? message) };
      const rid = data.requestId ?? requestId;
      if (rid) line.requestId = String(rid);
      if (data.data !== undefined) line.data = data.data as Record<string, unknown>;
      return line;
    }
  }
  return { time, function: fn, level: SEVERITY[Number(row.SeverityLevel ?? 1)] ?? 'info', message, ...(requestId ? { requestId } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A function's log lines from Application Insights (AppTraces of the app, for the function's
 * registrations), oldest first; `--follow` polls every 5 s (bounded) until stopped.
 */
export async function* azureLogs(service: Service, fn: string, options: { follow: boolean; sinceMs?: number; signal?: AbortSignal }, ctx: AdapterContext): AsyncIterable<LogLine> {
  const f = spec(service, fn);
  const s = await session(service, ctx);
  const registrations = planAzureTriggers(f.name, f.events).map((t) => t.name);
  const names = (registrations.length ? registrations : [f.name]).map(kql).join(', ');
  let since = new Date(ctx.now().getTime() - (options.sinceMs ?? 3_600_000)).toISOString();
  const seen = new Set<string>();
  for (let poll = 0; poll < (options.follow ? FOLLOW_MAX_POLLS : 1); poll++) {
    if (options.signal?.aborted) return;
    const query = [
      'AppTraces',
      `| where TimeGenerated >= datetime(${since})`,
      `| where AppRoleName =~ ${kql(s.names.app)} and OperationName in (${names})`,
      '| project TimeGenerated, Message, SeverityLevel, OperationId, Properties',
      '| order by TimeGenerated asc',
      `| take ${MAX_ROWS}`,
    ].join('\n');
    for (const row of await queryWorkspace(s, ctx.env, query)) {
      const key = `${row.TimeGenerated}|${row.OperationId}|${row.Message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      since = String(row.TimeGenerated);
      yield traceToLine(row, fn);
    }
    if (!options.follow || options.signal?.aborted) return;
    await s.clients.sleep(FOLLOW_INTERVAL_MS);
  }
}
