import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

function context(overrides: Partial<CliContext> = {}, env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  const ctx: CliContext = {
    cwd: '/nonexistent',
    env,
    stdout: { write: (s) => void (out.stdout += s) },
    stderr: { write: (s) => void (out.stderr += s) },
    interactive: false,
    now: () => new Date(0),
    ...overrides,
  };
  return { ctx, out };
}

/** A context whose working folder blows up when read: stands in for any bug inside a command. */
function buggy(env: NodeJS.ProcessEnv = {}) {
  const made = context({}, env);
  Object.defineProperty(made.ctx, 'cwd', { get: () => { throw new TypeError('cannot read properties of undefined (reading \'x\')'); } });
  return made;
}

describe('errors at the CLI boundary', () => {
  it('an internal error exits 1, says it is a bug and where to report it, and shows no stack', async () => {
    const { ctx, out } = buggy();
    expect(await main(['validate'], ctx)).toBe(1);
    expect(out.stderr).toMatch(/^error INTERNAL: cannot read properties of undefined/m);
    expect(out.stderr).toMatch(/This is a bug in sls-x, not in your project\. Please report it at https:\/\//);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('SLSX_DEBUG=1 adds the stack of an internal error', async () => {
    const { ctx, out } = buggy({ SLSX_DEBUG: '1' });
    expect(await main(['validate'], ctx)).toBe(1);
    expect(out.stderr).toMatch(/\n\s+at /);
  });

  it('--json prints the error as one JSON document', async () => {
    const { ctx, out } = buggy();
    expect(await main(['validate', '--json'], ctx)).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 'INTERNAL', diagnostics: [] });
  });

  it('an unknown command or flag is a usage error, exit 2, with a pointer to help', async () => {
    const { ctx, out } = context();
    expect(await main(['deploi'], ctx)).toBe(2);
    expect(out.stderr).toMatch(/error USAGE: unknown command 'deploi'/);
    expect(out.stderr).toMatch(/Did you mean deploy\?/);
    const flag = context();
    expect(await main(['deploy', '--targt', 'aws'], flag.ctx)).toBe(2);
    expect(flag.out.stderr).toMatch(/unknown option '--targt'/);
  });
});
