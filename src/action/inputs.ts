import { SlsxError } from '../errors/slsx-error.js';

/** What the GitHub Action runs; each maps to an sls-x command line. */
export const ACTION_COMMANDS = {
  validate: ['validate'],
  package: ['package'],
  plan: ['plan'],
  deploy: ['deploy'],
  remove: ['remove'],
  'cost-estimate': ['cost', 'estimate'],
  metrics: ['metrics'],
} as const;

export type ActionCommand = keyof typeof ACTION_COMMANDS;

export interface ActionInputs {
  command: string;
  target?: string;
  stage?: string;
  config?: string;
  /** Extra arguments, one per line (never split on spaces: nothing is shell-parsed). */
  args?: string;
  /** Post (or update) one pull-request comment with the plan and the cost tables. */
  comment: boolean;
  /** For the comment only (GitHub's REST API); never handed to sls-x. */
  githubToken?: string;
}

/** GitHub passes inputs as INPUT_<NAME> (upper-case, spaces to underscores; dashes kept). */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const get = (name: string): string | undefined => {
    const value = env[`INPUT_${name.toUpperCase()}`]?.trim();
    return value ? value : undefined;
  };
  return {
    command: get('command') ?? 'deploy',
    target: get('target'),
    stage: get('stage'),
    config: get('config'),
    args: get('args'),
    comment: flag('comment', get('comment')),
    githubToken: get('github-token'),
  };
}

/** A boolean input as GitHub's YAML 1.2 core schema writes one (`true`/`false`, any case). */
function flag(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new SlsxError('USAGE', `Input '${name}' is '${value}', not true or false.`, { hint: `Write \`${name}: true\` or leave it out.` });
}

/**
 * The argv for sls-x, as an array handed to the process directly (no shell), so an input like
 * `dev; rm -rf /` is one argument that sls-x rejects, never a command.
 */
export function actionArgv(inputs: ActionInputs): string[] {
  if (!(inputs.command in ACTION_COMMANDS)) {
    throw new SlsxError('USAGE', `Unknown command '${inputs.command}' for the sls-x action.`, { hint: `Use one of: ${Object.keys(ACTION_COMMANDS).join(', ')}.` });
  }
  const command = inputs.command as ActionCommand;
  const argv: string[] = [...ACTION_COMMANDS[command]];
  if (inputs.target) argv.push('--target', inputs.target);
  if (inputs.stage) argv.push('--stage', inputs.stage);
  if (inputs.config) argv.push('--config', inputs.config);
  // Machine-readable output for the `result` output: markdown for the cost table (it goes to the
  // job summary), JSON for everything else.
  if (command === 'cost-estimate') argv.push('--format', 'markdown');
  else argv.push('--json');
  for (const line of (inputs.args ?? '').split('\n')) if (line.trim()) argv.push(line.trim());
  return argv;
}
