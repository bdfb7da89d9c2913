import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageVersion } from '../paths.js';
import { SlsxError, toSlsxError } from '../errors/slsx-error.js';
import type { Plan } from '../core/resources.js';
import { actionArgv, readInputs, type ActionInputs } from './inputs.js';
import { commentBody, commentMarker, planMarkdown, type CommentParts } from './comment.js';
import { githubTarget, upsertComment } from './github.js';

/**
 * Append `name=value` to $GITHUB_OUTPUT with a heredoc delimiter, as multi-line values need. The
 * delimiter is a fresh random UUID (unguessable), as GitHub's own toolkit does, so a value written
 * by a handler or a cloud cannot close the heredoc early and set other outputs.
 */
export function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (!env.GITHUB_OUTPUT) return;
  const delimiter = `slsx_${randomUUID()}`;
  if (value.includes(delimiter)) throw new SlsxError('INTERNAL', `Output '${name}' contains its own delimiter.`);
  appendFileSync(env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** One sls-x run: its exit code and what it printed on stdout (stderr goes straight to the log). */
export interface SlsxRun {
  code: number;
  stdout: string;
}

/** Which sls-x the action runs, and how. */
export interface ChosenSlsx {
  kind: 'project' | 'bundled';
  version: string;
  /** One log line: which sls-x, and why. */
  reason: string;
  run(argv: string[]): Promise<SlsxRun>;
}

export interface ActionOptions {
  /** Where stderr goes (default: `log`). */
  err?: (s: string) => void;
  /** The workspace (default: process.cwd()). */
  cwd?: string;
  /** For the GitHub REST API calls (tests pass their own). */
  fetch?: typeof fetch;
}

/**
 * The sls-x to run. A project that pins sls-x in its package.json (dependencies or
 * devDependencies) and has it installed (node_modules/sls-x with its bin) gets its own, the
 * version its lockfile chose; anything else gets the sls-x bundled in this action. The
 * package.json looked at is the nearest one from the config's folder up to the workspace.
 */
export function chooseSlsx(inputs: ActionInputs, env: NodeJS.ProcessEnv, cwd: string, log: (s: string) => void, err: (s: string) => void): ChosenSlsx {
  const childEnv = slsxEnv(env);
  const bundled = (why: string): ChosenSlsx => {
    const version = packageVersion();
    return { kind: 'bundled', version, reason: `sls-x ${version}, bundled with this action (${why})`, run: (argv) => runInProcess(argv, childEnv, cwd, log, err) };
  };
  const project = projectPackage(inputs, cwd);
  if (!project) return bundled('no package.json in the workspace');
  const rel = relative(cwd, project.dir) || '.';
  if (!project.pinned) return bundled(`${join(rel, 'package.json')} does not list sls-x`);
  const pkgDir = join(project.dir, 'node_modules', 'sls-x');
  let installed: { name?: string; version?: string; bin?: string | Record<string, string> } | undefined;
  try {
    installed = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    installed = undefined;
  }
  const binRel = typeof installed?.bin === 'string' ? installed.bin : installed?.bin?.['sls-x'];
  const bin = binRel ? join(pkgDir, binRel) : undefined;
  const linked = ['sls-x', 'sls-x.cmd'].some((f) => existsSync(join(project.dir, 'node_modules', '.bin', f)));
  if (installed?.name !== 'sls-x' || !bin || !existsSync(bin) || !linked) {
    return bundled(`${join(rel, 'package.json')} lists sls-x but ${join(rel, 'node_modules', 'sls-x')} is not installed: run \`npm ci\` before this step to use it`);
  }
  return {
    kind: 'project',
    version: String(installed.version ?? '?'),
    reason: `sls-x ${installed.version ?? '?'}, the project's own (${join(rel, 'node_modules', 'sls-x')}, listed in ${join(rel, 'package.json')})`,
    run: (argv) => runChild(bin, argv, childEnv, cwd, log, err),
  };
}

/** The nearest package.json from the config's folder (or the workspace) up to the workspace. */
function projectPackage(inputs: ActionInputs, cwd: string): { dir: string; pinned: boolean } | undefined {
  const root = resolve(cwd);
  let dir = inputs.config ? dirname(resolve(root, inputs.config)) : root;
  if (relative(root, dir).startsWith('..')) dir = root;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
        return { dir, pinned: Boolean(pkg.dependencies?.['sls-x'] ?? pkg.devDependencies?.['sls-x']) };
      } catch {
        return { dir, pinned: false };
      }
    }
    if (dir === root || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** The environment sls-x runs with: the job's, less the comment's token (sls-x never needs it), with CI set. */
function slsxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CI: 'true' };
  delete out['INPUT_GITHUB-TOKEN'];
  return out;
}

/** The bundled CLI, in this process: no second start-up, stdout both shown and kept. */
async function runInProcess(argv: string[], env: NodeJS.ProcessEnv, cwd: string, log: (s: string) => void, err: (s: string) => void): Promise<SlsxRun> {
  const { main } = await import('../cli/main.js');
  let stdout = '';
  const code = await main(argv, {
    cwd,
    env,
    stdout: { write: (s) => ((stdout += s), log(s)), isTTY: false },
    stderr: { write: (s) => err(s), isTTY: false },
    interactive: false,
    now: () => new Date(),
    readStdin: async () => '',
  });
  return { code, stdout };
}

/** The project's sls-x, as a child `node <its bin>`: an argv array, no shell. */
function runChild(bin: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string, log: (s: string) => void, err: (s: string) => void): Promise<SlsxRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), log(s)));
    child.stderr.setEncoding('utf8').on('data', (s: string) => err(s));
    child.on('error', (e) => reject(new SlsxError('INTERNAL', `Could not run the project's sls-x (${bin}): ${e.message}`)));
    child.on('close', (code, signal) => resolveRun({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const COMMENTED = new Set(['plan', 'deploy', 'cost-estimate']);

/**
 * The GitHub Action's entry: read the inputs, choose the sls-x (the project's pinned one, else
 * the bundled one) and run it once (argv array, no shell), set `result` (JSON or markdown) and
 * `endpoints`, write the plan or the cost table to the job summary and, with `comment: true`,
 * post or update one pull-request comment with both. Returns sls-x's exit code.
 */
export async function runAction(env: NodeJS.ProcessEnv, log: (s: string) => void, options: ActionOptions = {}): Promise<number> {
  const err = options.err ?? log;
  const cwd = options.cwd ?? process.cwd();
  let inputs: ActionInputs;
  let argv: string[];
  try {
    inputs = readInputs(env);
    argv = actionArgv(inputs);
  } catch (e) {
    return fail(e, log);
  }
  const slsx = chooseSlsx(inputs, env, cwd, log, err);
  log(`sls-x: running ${slsx.reason}.\n`);
  if (slsx.kind === 'bundled' && inputs.target === 'local') {
    const { LOCAL_NOT_IN_ACTION } = await import('./local-refused.js');
    return fail(LOCAL_NOT_IN_ACTION, log);
  }
  const { code, stdout } = await slsx.run(argv);
  setOutput(env, 'result', stdout.trim());
  const json = argv.includes('--json') && code === 0 ? parseJson(stdout) : undefined;
  const plan = json?.plan as Plan | undefined;
  const outputs = json?.outputs as { endpoints?: unknown[] } | undefined;
  if (outputs?.endpoints) setOutput(env, 'endpoints', JSON.stringify(outputs.endpoints));
  if (env.GITHUB_STEP_SUMMARY && code === 0) {
    if (argv[0] === 'cost') appendFileSync(env.GITHUB_STEP_SUMMARY, `${stdout}\n`);
    else if (plan?.changes) appendFileSync(env.GITHUB_STEP_SUMMARY, `${planMarkdown(plan, inputs.command === 'deploy' ? 'deploy' : 'plan')}\n`);
  }
  if (inputs.comment) await comment(inputs, slsx, { code, stdout, plan }, env, log, options.fetch);
  return code;
}

function fail(e: unknown, log: (s: string) => void): number {
  const x = toSlsxError(e);
  log(`::error title=sls-x ${x.code}::${x.message}${x.hint ? ` ${x.hint}` : ''}\n`);
  return x.exitCode;
}

/** `comment: true`: one pull-request comment per config/stage/target, created once, then updated. */
async function comment(inputs: ActionInputs, slsx: ChosenSlsx, main: SlsxRun & { plan?: Plan }, env: NodeJS.ProcessEnv, log: (s: string) => void, fetchImpl?: typeof fetch): Promise<void> {
  if (!COMMENTED.has(inputs.command)) {
    log(`::notice title=sls-x comment::No comment for '${inputs.command}': comments carry the plan and cost of plan, deploy and cost-estimate.\n`);
    return;
  }
  const gh = githubTarget(env, inputs.githubToken);
  if (typeof gh === 'string') {
    log(`::notice title=sls-x comment::No pull-request comment: ${gh}.\n`);
    return;
  }
  const parts: CommentParts = { marker: commentMarker(inputs), command: inputs.command };
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && /^\d+$/.test(env.GITHUB_RUN_ID ?? '')) parts.runUrl = `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  if (main.code !== 0) {
    parts.failed = main.code;
  } else if (inputs.command === 'cost-estimate') {
    parts.cost = { markdown: main.stdout };
  } else {
    parts.plan = main.plan;
    // The cost table of the same config and stage, from its `traffic:` block (docs/cost.md).
    const costArgv = ['cost', 'estimate', ...(inputs.config ? ['--config', inputs.config] : []), ...(inputs.stage ? ['--stage', inputs.stage] : []), '--format', 'markdown'];
    log('sls-x: the cost table for the comment:\n');
    const cost = await slsx.run(costArgv);
    parts.cost = cost.code === 0 ? { markdown: cost.stdout } : { error: `\`sls-x cost estimate\` exited with ${cost.code} (see the job log; add a \`traffic:\` block to faas.yaml for a cost table)` };
  }
  try {
    const done = await upsertComment({ ...gh, fetch: fetchImpl }, parts.marker, commentBody(parts, env));
    log(`sls-x: ${done.action} the pull-request comment${done.url ? ` ${done.url}` : ''}.\n`);
    if (done.url) setOutput(env, 'comment-url', done.url);
  } catch (e) {
    // A comment is a report, not the job: a fork's read-only token must not fail the deploy.
    log(`::warning title=sls-x comment::Could not post the pull-request comment: ${(e as Error).message}\n`);
  }
}
