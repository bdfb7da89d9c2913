import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip, writeZip } from '../../src/bundle/zip-writer.js';

const entries = [
  { path: 'index.mjs', data: Buffer.from('export const handler = () => 1;\n'.repeat(50)) },
  { path: 'package.json', data: Buffer.from('{"main":"index.mjs"}\n') },
  { path: 'lib/ünïcode.txt', data: Buffer.from('x') },
];

describe('writeZip', () => {
  it('gives the same bytes whatever the input order', () => {
    const a = writeZip(entries);
    const b = writeZip([...entries].reverse());
    expect(a.equals(b)).toBe(true);
  });

  it('changes when a byte of content changes', () => {
    const changed = entries.map((e, i) => (i === 0 ? { ...e, data: Buffer.from('export const handler = () => 2;\n') } : e));
    expect(writeZip(entries).equals(writeZip(changed))).toBe(false);
  });

  it('is read back by standard unzippers with the exact contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slsx-zip-'));
    try {
      const zip = join(dir, 'a.zip');
      writeFileSync(zip, writeZip(entries));
      const py = [
        'import sys, zipfile, json',
        'z = zipfile.ZipFile(sys.argv[1])',
        'assert z.testzip() is None',
        'print(json.dumps([[i.filename, i.date_time, i.external_attr >> 16, len(i.extra), z.read(i.filename).decode()] for i in z.infolist()]))',
      ].join('\n');
      const out = JSON.parse(execFileSync('python3', ['-c', py, zip], { encoding: 'utf8' })) as Array<[string, number[], number, number, string]>;
      expect(out.map((e) => e[0])).toEqual(['index.mjs', 'lib/ünïcode.txt', 'package.json']);
      for (const [, date, mode, extra] of out) {
        expect(date).toEqual([1980, 1, 1, 0, 0, 0]);
        expect(mode).toBe(0o100644);
        expect(extra).toBe(0);
      }
      expect(out[0][4]).toBe(entries[0].data.toString());
      expect(out[2][4]).toBe(entries[1].data.toString());
      // unzip is present on most machines; when it is, it must agree.
      let unzip = true;
      try {
        execFileSync('unzip', ['-v'], { stdio: 'ignore' });
      } catch {
        unzip = false;
      }
      if (unzip) expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects paths that would escape the extraction folder', () => {
    expect(() => writeZip([{ path: '../evil', data: Buffer.from('') }])).toThrow(/invalid zip entry/);
    expect(() => writeZip([{ path: '/abs', data: Buffer.from('') }])).toThrow(/invalid zip entry/);
  });
});

describe('readZip (the package cache reads the previous build back)', () => {
  it('gives back exactly what was written, stored and deflated entries alike', () => {
    const got = readZip(writeZip(entries));
    expect([...got.keys()].sort()).toEqual(entries.map((e) => e.path).sort());
    for (const e of entries) expect(got.get(e.path)!.equals(e.data)).toBe(true);
  });

  it('an entry two zips share is read once: the same Buffer comes back for both', () => {
    const shared = { path: '_slsx.mjs', data: Buffer.from('export const lib = 1;\n'.repeat(40)) };
    const seen = new Map<string, { body: Buffer; data: Buffer }>();
    const a = readZip(writeZip([entries[0]!, shared]), seen);
    const b = readZip(writeZip([entries[1]!, shared]), seen);
    expect(a.get('_slsx.mjs')).toBe(b.get('_slsx.mjs'));
    expect(a.get('_slsx.mjs')!.equals(shared.data)).toBe(true);
    // The second zip's copy is still checked: damaged there, it is refused, not taken from the first.
    const second = writeZip([entries[1]!, shared]);
    const at = second.indexOf(Buffer.from('_slsx.mjs')) + '_slsx.mjs'.length + 5; // inside its stored bytes
    second[at] = second[at]! ^ 0xff;
    expect(() => readZip(second, seen)).toThrow();
  });

  it('a damaged or foreign file is refused, never read as something else', () => {
    const zip = writeZip(entries);
    // A byte of the deflated index.mjs flipped: the CRC no longer matches (or inflate fails).
    const flipped = Buffer.from(zip);
    flipped[40] = flipped[40]! ^ 0xff;
    expect(() => readZip(flipped)).toThrow();
    expect(() => readZip(Buffer.from('not a zip at all, just text'))).toThrow(/not a zip/);
    expect(() => readZip(Buffer.concat([zip, Buffer.from('trailing')]))).toThrow();
  });
});
