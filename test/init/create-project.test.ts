import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, listTemplates, slsxDependency } from '../../src/init/create-project.js';
import { nameFromFolder } from '../../src/init/project-name.js';
import { packageRoot, packageVersion } from '../../src/paths.js';
import { cli, scratch } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('sls-x init', () => {
  it('ships the three templates', () => {
    expect(listTemplates()).toEqual(['cron', 'http-api', 'queue-worker']);
  });

  it.each(['http-api', 'queue-worker', 'cron'])('%s: writes a complete project with the name filled in', async (template) => {
    const s = scratch();
    cleanup = s.cleanup;
    const created = await createProject({ dir: 'my-app', cwd: s.dir, template });
    const dir = join(s.dir, 'my-app');
    expect(created).toMatchObject({ dir, name: 'my-app', template });
    expect(created.files).toEqual(expect.arrayContaining(['.gitignore', 'README.md', 'faas.yaml', 'package.json', 'tsconfig.json']));
    expect(created.files.some((f) => f.startsWith('src/') && f.endsWith('.ts'))).toBe(true);
    const yaml = readFileSync(join(dir, 'faas.yaml'), 'utf8');
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/sls-x/schema/faas.schema.json');
    expect(yaml).toMatch(/^service: my-app$/m);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-app');
    // run from this checkout (sls-x is not on the registry under that name): the checkout itself
    expect(pkg.devDependencies['sls-x']).toBe(`file:${packageRoot()}`);
    for (const f of created.files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/__SERVICE__|__SLSX_VERSION__|__SLSX_DEPENDENCY__/);
    for (const f of created.files.filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) expect(readFileSync(join(dir, f), 'utf8')).toContain("from 'sls-x/runtime'");
    // Every handler file has its own unit tests, written with sls-x/testing.
    const tests = created.files.filter((x) => x.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(0);
    for (const f of tests) expect(readFileSync(join(dir, f), 'utf8')).toContain("from 'sls-x/testing'");
    expect(pkg.scripts.test).toBe('vitest run');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.sls-x/');
    expect(existsSync(join(dir, 'gitignore'))).toBe(false);
  });

  it('the sls-x dependency: the checkout as file:, or the way the installing project asked for sls-x (git URL, tarball), else a version range', async () => {
    expect(slsxDependency('/home/me/app/node_modules/sls-x', '1.2.3')).toBe('^1.2.3');
    expect(slsxDependency('C:\\Users\\me\\AppData\\npm\\node_modules\\sls-x', '1.2.3')).toBe('^1.2.3');
    expect(slsxDependency('/work/sls-x', '1.2.3')).toBe('file:/work/sls-x');
    const s = scratch();
    cleanup = s.cleanup;
    // Installed into a project: the way that project asked for sls-x (it is not on the registry).
    const owner = (spec: string): string => {
      const app = join(s.dir, `app-${Math.random().toString(36).slice(2, 8)}`);
      mkdirSync(join(app, 'node_modules', 'sls-x'), { recursive: true });
      writeFileSync(join(app, 'package.json'), JSON.stringify({ devDependencies: { 'sls-x': spec } }));
      return slsxDependency(join(app, 'node_modules', 'sls-x'), '1.2.3');
    };
    expect(owner('git+https://github.com/sls-x/sls-x.git#v0.1.0')).toBe('git+https://github.com/sls-x/sls-x.git#v0.1.0');
    expect(owner('file:../sls-x/sls-x-0.1.0.tgz')).toBe(`file:${resolve(s.dir, 'sls-x/sls-x-0.1.0.tgz')}`);
    expect(owner('../vendor/sls-x-0.1.0.tgz')).toBe(`file:${resolve(s.dir, 'vendor/sls-x-0.1.0.tgz')}`);
    expect(owner('^1.0.0')).toBe('^1.2.3');
    await createProject({ dir: 'w', cwd: s.dir, template: 'cron', slsxDependency: 'file:C:\\src\\sls-x' });
    expect(JSON.parse(readFileSync(join(s.dir, 'w', 'package.json'), 'utf8')).devDependencies['sls-x']).toBe('file:C:\\src\\sls-x');
    await createProject({ dir: 'r', cwd: s.dir, template: 'cron', slsxDependency: slsxDependency('/x/node_modules/sls-x', packageVersion()) });
    expect(JSON.parse(readFileSync(join(s.dir, 'r', 'package.json'), 'utf8')).devDependencies['sls-x']).toBe(`^${packageVersion()}`);
  });

  it('refuses a non-empty folder without --force (exit 2, nothing written), and writes into it with --force', async () => {
    const s = scratch();
    cleanup = s.cleanup;
    mkdirSync(join(s.dir, 'app'));
    writeFileSync(join(s.dir, 'app', 'notes.txt'), 'mine');
    const refused = await cli(['init', 'app'], s.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error INIT_TARGET_EXISTS: Folder app is not empty (1 entry).');
    expect(refused.stderr).toContain('--force');
    expect(existsSync(join(s.dir, 'app', 'faas.yaml'))).toBe(false);

    const forced = await cli(['init', 'app', '--force', '--name', 'orders'], s.dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(s.dir, 'app', 'faas.yaml'), 'utf8')).toMatch(/^service: orders$/m);
    expect(readFileSync(join(s.dir, 'app', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('prints next steps', async () => {
    const s = scratch();
    cleanup = s.cleanup;
    const out = await cli(['init', 'shop', '--template', 'queue-worker'], s.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Created shop from the queue-worker template in shop/');
    expect(out.stdout).toContain('  cd shop\n  npm install\n');
  });

  it('an unknown template: exit 2, listing the templates', async () => {
    const s = scratch();
    cleanup = s.cleanup;
    const out = await cli(['init', 'x', '--template', 'graphql'], s.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/http-api, queue-worker, cron/);
    expect(existsSync(join(s.dir, 'x'))).toBe(false);
    await expect(createProject({ dir: 'x', cwd: s.dir, template: 'graphql' })).rejects.toMatchObject({ code: 'USAGE', hint: 'Use one of: cron, http-api, queue-worker.' });
  });

  it('an invalid --name: exit 2 with a suggestion', async () => {
    const s = scratch();
    cleanup = s.cleanup;
    const out = await cli(['init', 'x', '--name', 'My_Shop'], s.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error USAGE: `My_Shop` is not a valid service name.');
    expect(out.stderr).toContain('`my-shop`');
    expect(existsSync(join(s.dir, 'x'))).toBe(false);
  });

  it('makes a valid service name from any folder name', () => {
    expect(nameFromFolder('/a/My Shop!')).toBe('my-shop');
    expect(nameFromFolder('/a/2024_reports')).toBe('svc-2024-reports');
    expect(nameFromFolder('/a/___')).toBe('my-service');
    expect(nameFromFolder('/a/a-very-long-folder-name-that-goes-on-and-on')).toMatch(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/);
  });
});
