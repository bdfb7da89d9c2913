import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InvokeResult } from '../../core/adapter.js';
import { SlsxError } from '../../errors/slsx-error.js';
import type { CliContext, CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface InvokeOptions {
  data?: string;
  file?: string;
  /** Run the handler here, alone: no deploy, no local cloud (providers/local/run-alone.ts). */
  local?: boolean;
}

async function payload(options: InvokeOptions, ctx: CliContext): Promise<unknown> {
  const cwd = ctx.cwd;
  if (options.data !== undefined && options.file !== undefined) throw new SlsxError('USAGE', 'Give the payload with --data or --file, not both.');
  let text = options.data;
  let where = '--data';
  if (options.data === '-' || options.file === '-') {
    where = 'standard input';
    if (!ctx.readStdin) throw new SlsxError('USAGE', 'There is no standard input to read the payload from.', { hint: 'Pass the payload with --data JSON or --file PATH.' });
    text = await ctx.readStdin();
    if (!text.trim()) throw new SlsxError('USAGE', 'Standard input was empty: no payload to send.', { hint: 'Pipe JSON in, e.g. echo \'{"id": 42}\' | sls-x invoke api --data -' });
  } else if (options.file !== undefined) {
    where = options.file;
    try {
      text = readFileSync(resolve(cwd, options.file), 'utf8');
    } catch (err) {
      throw new SlsxError('USAGE', `Cannot read --file ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, { hint: 'Pass a path to a JSON file, relative to the current folder.' });
    }
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SlsxError('USAGE', `${where} is not valid JSON: ${(err as Error).message}.`, { hint: `Quote it for the shell, e.g. --data '{"id": 42}' (a plain string is --data '"text"').` });
  }
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '-' : `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`);

/** The figures line under an invocation, e.g. `cold start · init 24.1 ms · duration 1.20 ms · ...`. */
export function figuresLine(r: InvokeResult['record']): string {
  return [
    r.coldStart ? `cold start · init ${fmt(r.initMs)}` : 'warm',
    `duration ${fmt(r.durationMs)}`,
    `billed ${r.billedMs} ms`,
    r.peakMemoryMb !== undefined ? `peak memory ${r.peakMemoryMb} MB of ${r.memoryMb} MB` : `memory ${r.memoryMb} MB`,
    `outcome ${r.outcome}`,
  ].join(' · ');
}

function showResult(result: unknown): string {
  const http = result as { status?: number; headers?: Record<string, string>; body?: string; base64?: boolean } | undefined;
  if (http && typeof http === 'object' && typeof http.status === 'number' && typeof http.body === 'string') {
    const head = [`HTTP ${http.status}`, ...Object.entries(http.headers ?? {}).map(([k, v]) => `${k}: ${v}`)].join('\n');
    let body = http.base64 ? `(${Buffer.from(http.body, 'base64').length} bytes, binary)` : http.body;
    try {
      if (!http.base64 && body) body = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // Not JSON: print as is.
    }
    return `${head}\n\n${body}`;
  }
  return JSON.stringify(result ?? null, null, 2);
}

/** `sls-x invoke <fn> [--data JSON | --file F]`: one invocation, its result, figures and logs. */
export const run: CommandRun<InvokeOptions> = async ({ args, options }, ctx) => {
  const data = await payload(options, ctx);
  if (options.local && options.target && options.target !== 'local') {
    throw new SlsxError('USAGE', `--local runs the handler on this machine; it cannot be combined with --target ${options.target}.`, { hint: 'Drop --target, or drop --local to invoke the deployed function.' });
  }
  const session = await openSession(options.local ? { ...options, target: 'local' } : options, ctx);
  let out;
  if (options.local) {
    const { invokeAlone } = await import('../../../providers/local/run-alone.js');
    out = await invokeAlone(session.service, args[0], data, session.adapterContext);
  } else {
    const { loadAdapter } = await import('../../core/targets.js');
    const adapter = await loadAdapter(session.target);
    if (!adapter.invoke) throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x invoke\` is not available for target '${session.target}'.`, { hint: 'Invoke on the local target (the default) or another target that supports it.' });
    out = await adapter.invoke(session.service, args[0], data, session.adapterContext);
  }
  if (options.json) ctx.stdout.write(`${JSON.stringify({ result: out.result, record: out.record, logs: out.logs }, null, 2)}\n`);
  else {
    for (const line of out.logs) ctx.stderr.write(`${new Date(line.time).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.message}${line.data ? ` ${JSON.stringify(line.data)}` : ''}\n`);
    if (out.record.outcome === 'ok') ctx.stdout.write(`${showResult(out.result)}\n`);
    ctx.stdout.write(`\n${args[0]} (${out.record.requestId}): ${figuresLine(out.record)}\n`);
  }
  if (out.record.outcome !== 'ok') {
    throw new SlsxError('INVOKE_FAILED', `${args[0]} failed (${out.record.outcome}): ${out.record.error ?? 'no message'}`, {
      hint: out.record.outcome === 'timeout' ? 'Raise the function\'s `timeout` or find what it waits on (`sls-x logs ' + args[0] + '`).'
        : out.record.outcome === 'oom' ? 'Raise the function\'s `memory` or allocate less.'
        : out.record.outcome === 'throttled' ? 'The function is at its `concurrency.max`; try again or raise it.'
        : `See \`sls-x logs ${args[0]}\` for what it logged.`,
    });
  }
};
