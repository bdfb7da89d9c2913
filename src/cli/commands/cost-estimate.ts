import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { noopSink } from '../../core/events.js';
import { SlsxError } from '../../errors/slsx-error.js';
import { breakEven, resolveVm } from '../../cost/break-even.js';
import { defaultCatalogs, rate } from '../../cost/catalog.js';
import { estimate } from '../../cost/estimate.js';
import { parseArch, parseProfileFlags, type ProfileFlags } from '../../cost/flag-profile.js';
import { secondsPerMonth } from '../../cost/line.js';
import { parseDuration } from '../../cost/parse-input.js';
import { applyRateOverrides } from '../../cost/rates-override.js';
import { renderMarkdown } from '../../cost/render-markdown.js';
import { renderTable } from '../../cost/render-text.js';
import { parseCostTarget, resolveProfiles } from '../../cost/resolve-profiles.js';
import type { CommandRun } from '../context.js';

interface Options extends ProfileFlags {
  fromMetrics?: boolean;
  freeTier?: boolean;
  rates?: string;
  compareVm?: string;
  format?: string;
  since?: string;
}

const FORMATS = ['table', 'json', 'markdown'];

/** `sls-x cost estimate`: monthly cost per function and target option (docs/cost.md). */
export const run: CommandRun<Options> = async ({ options }, ctx) => {
  const format = options.json ? 'json' : (options.format ?? 'table');
  if (!FORMATS.includes(format)) throw new SlsxError('COST_INPUT', `--format '${format}': unknown format.`, { hint: 'Use --format table, json or markdown.' });
  const target = parseCostTarget(options.target);
  if (target === 'local' && !options.fromMetrics) {
    throw new SlsxError('COST_INPUT', '--target local: the local target costs nothing to run.', { hint: 'Use --target aws, azure or gcp, or --target local --from-metrics to price measured local runs on the clouds.' });
  }
  let cats = defaultCatalogs();
  if (options.rates) cats = applyRateOverrides(cats, await readRates(resolve(ctx.cwd, options.rates), options.rates), options.rates);
  const T = secondsPerMonth(rate(cats.common, 'hoursPerMonth'));
  const flags = parseProfileFlags(options, rate(cats.common, 'hoursPerMonth'));
  const arch = options.arch !== undefined ? parseArch(options.arch) : undefined;
  const sinceMs = options.since !== undefined ? parseDuration('--since', options.since, T * 1000 * 12) : undefined;
  const vm = options.compareVm !== undefined ? resolveVm(options.compareVm, cats) : undefined;

  const { profiles, notes } = await resolveProfiles(
    { cwd: ctx.cwd, env: ctx.env, configPath: options.config, stage: options.stage, target, fromMetrics: Boolean(options.fromMetrics), sinceMs, flags, secondsPerMonth: T, adapterContext: { events: ctx.events ?? noopSink, now: ctx.now, clients: ctx.clients } },
    { loadService: async (o) => (await import('../../config/load-service.js')).loadService(o), loadAdapter: async (t) => (await import('../../core/targets.js')).loadAdapter(t) },
  );
  const estOpts = { freeTier: options.freeTier !== false, arch, ...(target && target !== 'local' && !options.fromMetrics ? { targets: [target] } : {}) };
  const est = estimate(profiles, cats, estOpts);
  if (est.rows.every((r) => !r.available)) {
    throw new SlsxError('COST_INPUT', `--memory / --duration: no option can run this profile: ${[...new Set(est.rows.map((r) => r.reason))].join('; ')}.`, { hint: 'Choose a memory size and duration the targets can run (the limits are above), or another --target.' });
  }
  if (vm) est.breakEven = breakEven(profiles, cats, estOpts, vm);
  est.warnings.unshift(...notes.map((message) => ({ kind: 'source', message })));

  if (format === 'json') ctx.stdout.write(`${JSON.stringify(est, null, 2)}\n`);
  else ctx.stdout.write(format === 'markdown' ? renderMarkdown(est, T) : renderTable(est, T));
  return 0;
};

async function readRates(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(isAbsolute(path) ? path : resolve(path), 'utf8');
  } catch (err) {
    throw new SlsxError('RATES_INVALID', `--rates '${shown}': cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { hint: 'Pass the path of a JSON file, e.g. --rates rates.json.' });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SlsxError('RATES_INVALID', `--rates '${shown}': not valid JSON (${(err as Error).message}).`, { hint: 'A rates file looks like { "aws": { "requestPerMillion": 0.25 } }.' });
  }
}
