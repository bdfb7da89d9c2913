import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageService } from '../../src/bundle/package-service.js';
import { readZip, writeZip } from '../../src/bundle/zip-writer.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { fn, makeProject, service } from './helpers.js';

const API = "import { json } from 'sls-x/runtime';\nimport { greet } from './lib.js';\nexport const handler = async () => json(200, { msg: greet('x') });\n";
const LIB = "export const greet = (n: string) => 'hello ' + n;\n";

describe('the incremental package cache', () => {
  const project = makeProject({ 'src/api.ts': API, 'src/worker.ts': "export const handler = async () => {};\n", 'src/lib.ts': LIB });
  afterAll(() => project.cleanup());
  const svc = service(project.root, [fn('api', 'src/api.ts#handler'), fn('worker', 'src/worker.ts#handler', { events: [] })]);
  const run = async () => {
    const events: SlsxEvent[] = [];
    const arts = await packageService(svc, 'aws', { events: (e) => events.push(e) });
    const reused = events.flatMap((e) => (e.type === 'artifact' && e.reused ? [e.artifact.name] : []));
    return { shas: arts.map((a) => [a.name, a.sha256]), reused };
  };

  it('an unchanged package bundles nothing and gives the same zips; a change to any input (an import too) rebuilds', async () => {
    const first = await run();
    expect(first.reused).toEqual([]);
    const second = await run();
    expect(second.reused.sort()).toEqual(['api', 'worker']);
    expect(second.shas).toEqual(first.shas);

    // A file the handler imports changes: rebuilt, and the new code is in the zip.
    writeFileSync(join(project.root, 'src/lib.ts'), LIB.replace('hello', 'hi'));
    const third = await run();
    expect(third.reused).toEqual([]);
    expect(third.shas.find(([n]) => n === 'api')).not.toEqual(first.shas.find(([n]) => n === 'api'));
    const apiZip = join(project.root, '.sls-x/build/aws/api.zip');
    // The code is in the zip (the handler's index.mjs).
    const inZip = () => [...readZip(readFileSync(apiZip)).values()].map((b) => b.toString('utf8')).join('\n');
    expect(inZip()).toContain('hi ');
    expect(inZip()).not.toContain('hello ');

    // An output edited by hand (one file inside the zip) is not trusted: rebuilt to what the sources give.
    const files = readZip(readFileSync(apiZip));
    files.set('index.mjs', Buffer.concat([files.get('index.mjs')!, Buffer.from('\n// edited\n')]));
    writeFileSync(apiZip, writeZip([...files].map(([path, data]) => ({ path, data }))));
    expect(inZip()).toContain('// edited');
    const fourth = await run();
    expect(fourth.reused).toEqual([]);
    expect(fourth.shas).toEqual(third.shas);
    expect(inZip()).not.toContain('// edited');

    // Same content, new mtime (a checkout): rebuilt, same bytes.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(project.root, 'src/worker.ts'), later, later);
    const fifth = await run();
    expect(fifth.reused).toEqual([]);
    expect(fifth.shas).toEqual(third.shas);
    expect((await run()).reused.sort()).toEqual(['api', 'worker']);

    // The fast path (nothing read when nothing changed) trusts a zip only as it left it: one
    // deleted, cut short or touched is looked at again, and put back as the sources give it.
    const workerZip = join(project.root, '.sls-x/build/aws/worker.zip');
    const good = readFileSync(workerZip);
    rmSync(workerZip);
    const deleted = await run();
    expect(readFileSync(workerZip).equals(good)).toBe(true);
    expect(deleted.shas).toEqual(third.shas);
    writeFileSync(workerZip, good.subarray(0, good.length - 10));
    const cut = await run();
    expect(cut.reused).toEqual([]);
    expect(readFileSync(workerZip).equals(good)).toBe(true);
    // Same size, other bytes (a hand edit): rebuilt, though the manifest's sizes still match.
    const edited = Buffer.from(good);
    edited[40] = edited[40]! ^ 0xff;
    writeFileSync(workerZip, edited);
    const flipped = await run();
    expect(flipped.reused).toEqual([]);
    expect(readFileSync(workerZip).equals(good)).toBe(true);
    const touched = new Date(Date.now() + 9000);
    utimesSync(workerZip, touched, touched);
    expect((await run()).reused.sort()).toEqual(['api', 'worker']); // read back and checked: the same bytes
    expect((await run()).reused.sort()).toEqual(['api', 'worker']);
  }, 120_000);
});
