import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';
import { stopCloud } from '../../providers/local/launcher.js';

const YAML = `
service: staged
runtime: node20
targets:
  local: { port: 0 }
functions:
  api:
    handler: src/api.handler
    env: { STAGE: "\${stage}" }
    events:
      - http: GET /which
`;

/** Issue 8.11 (h) / 11.2: `--stage prod` on local no longer replaces dev; both run side by side. */
describe('local stages side by side', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': 'export const handler = async () => ({ stage: process.env.STAGE });\n' });
  const cli = (argv: string[]) => runCli(argv, project.root, { env: { ...process.env, CI: '1' } });
  afterAll(async () => {
    await stopCloud(project.root, 'prod');
    await project.cleanup();
  });

  it('each stage has its own state folder, process and port, and remove takes down only its own', async () => {
    const dev = await cli(['deploy']);
    expect(dev.code, dev.stderr).toBe(0);
    const prod = await cli(['deploy', '--stage', 'prod']);
    expect(prod.code, prod.stderr).toBe(0);
    const url = (out: string) => /(http:\/\/127\.0\.0\.1:\d+)\/which/.exec(out)?.[1] ?? '';
    const devUrl = url(dev.stdout);
    const prodUrl = url(prod.stdout);
    expect(devUrl).not.toBe(prodUrl);
    expect(await (await fetch(`${devUrl}/which`)).json()).toEqual({ stage: 'dev' });
    expect(await (await fetch(`${prodUrl}/which`)).json()).toEqual({ stage: 'prod' });
    expect(existsSync(join(project.root, '.sls-x', 'local', 'state.db'))).toBe(true);
    expect(existsSync(join(project.root, '.sls-x', 'local-prod', 'state.db'))).toBe(true);
    // Each stage plans against its own state.
    expect((await cli(['plan', '--stage', 'prod'])).stdout).toMatch(/No changes/);

    expect((await cli(['remove', '--stage', 'prod'])).code).toBe(0);
    expect(existsSync(join(project.root, '.sls-x', 'local-prod'))).toBe(false);
    expect(await (await fetch(`${devUrl}/which`)).json()).toEqual({ stage: 'dev' });
    expect((await cli(['plan'])).stdout).toMatch(/No changes/);
  });
});
