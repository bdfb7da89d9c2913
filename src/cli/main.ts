import { Command, CommanderError, Option } from 'commander';
import { SlsxError, toSlsxError } from '../errors/slsx-error.js';
import { renderError } from './render-error.js';
import type { CliContext, CommandDef } from './context.js';
import { commands } from './commands/index.js';
import { packageVersion } from '../paths.js';


function addCommon(cmd: Command): void {
  cmd.option('-c, --config <path>', 'config file (default: faas.yaml found from the current folder)');
  cmd.option('--stage <stage>', 'stage name, used in resource names and ${stage}', undefined);
  cmd.option('-t, --target <target>', 'aws | azure | gcp | local (default: the config\'s `target`, else local)');
  cmd.option('--json', 'machine-readable output');
}

function build(def: CommandDef, parent: Command, ctx: CliContext, result: { code: number }): void {
  const cmd = parent.command(def.name).description(def.description);
  for (const arg of def.arguments ?? []) cmd.argument(arg.name, arg.description);
  if (def.common !== false && !def.subcommands) addCommon(cmd);
  for (const o of def.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    if (o.choices) opt.choices(o.choices);
    cmd.addOption(opt);
  }
  for (const sub of def.subcommands ?? []) build(sub, cmd, ctx, result);
  if (def.load) {
    const load = def.load;
    cmd.action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const args = params.slice(0, -2).flat().filter((a): a is string => typeof a === 'string');
      const { run } = await load();
      const code = await run({ args, options: command.opts() }, ctx);
      result.code = typeof code === 'number' ? code : 0;
    });
  }
}

/** Run the CLI with argv (without node and script). Returns the exit code; never throws. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const result = { code: 0 };
  const program = new Command('sls-x')
    .description('Deploy one faas.yaml to AWS Lambda, Azure Functions, Google Cloud Functions or a local cloud.')
    .version(packageVersion(), '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'error USAGE: ')),
    });
  for (const def of commands) build(def, program, ctx, result);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (raw) {
    if (raw instanceof CommanderError) {
      if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version' || raw.code === 'commander.help') return 0;
      if (raw.code === 'commander.executeSubCommandAsync') return 0;
      // commander already printed the message; add a pointer to help.
      ctx.stderr.write('  hint: run `sls-x --help` (or `sls-x <command> --help`) for usage.\n');
      return 2;
    }
    const err = toSlsxError(raw);
    if (json) ctx.stdout.write(`${JSON.stringify(err.toJSON(), null, 2)}\n`);
    else ctx.stderr.write(renderError(err, Boolean(ctx.env.SLSX_DEBUG)));
    return err.exitCode;
  }
}

export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY },
    stderr: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY },
    interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
    now: () => new Date(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

export { SlsxError };
