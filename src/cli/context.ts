import type { EventSink } from '../core/events.js';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
}

/** Everything a command needs from the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Output;
  stderr: Output;
  /** Interactive terminal (ink view) vs CI / pipe (plain lines). */
  interactive: boolean;
  now: () => Date;
  /** Where core events go; set up by the command from its renderer. */
  events?: EventSink;
  /** Injected SDK clients per target (tests). */
  clients?: Record<string, unknown>;
  /** Read all of standard input (for `--data -`); tests pass their own. */
  readStdin?: () => Promise<string>;
}

/** Options every command may take; commander hands them over as camelCase. */
export interface CommonOptions {
  config?: string;
  stage?: string;
  target?: string;
  json?: boolean;
}

export interface CommandArgs<O = Record<string, unknown>> {
  args: string[];
  options: O & CommonOptions;
}

/** A command's run function: returns the exit code (0 when omitted). Throw SlsxError for failures. */
export type CommandRun<O = Record<string, unknown>> = (input: CommandArgs<O>, ctx: CliContext) => Promise<number | void>;

export interface OptionDef {
  flags: string;
  description: string;
  default?: string | boolean | number;
  choices?: string[];
}

/** A command is data (name, args, options) plus a lazily imported run. */
export interface CommandDef {
  name: string;
  description: string;
  /** e.g. `<fn>`, `[dir]`. */
  arguments?: Array<{ name: string; description: string }>;
  options?: OptionDef[];
  /** Load the run function only when the command is used. */
  load?: () => Promise<{ run: CommandRun<any> }>;
  subcommands?: CommandDef[];
  /** Add -c/--stage/--target/--json. Default true. */
  common?: boolean;
}
