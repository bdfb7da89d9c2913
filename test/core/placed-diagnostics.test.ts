import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePlan } from '../../src/apply/deploy.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { fakeAdapter } from './fake-adapter.js';
import { functionSpec, serviceSpec } from '../support/model.js';

describe('target checks found at plan time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-placed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'faas.yaml');
  writeFileSync(configFile, 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    memory: 8192\n    events:\n      - http: GET /a\n');

  it('point at faas.yaml:line:col with the line, like validate', async () => {
    const { adapter } = fakeAdapter();
    adapter.validate = () => [
      { severity: 'error', code: 'limit-memory', message: 'too much', path: 'functions.api.memory', file: configFile, target: 'local' },
      { severity: 'error', code: 'bad-event', message: 'no', path: 'functions.api.events.0', target: 'local' },
      { severity: 'error', code: 'unplaced', message: 'only a prefix exists', path: 'functions.api.nothing.here', target: 'local' },
    ];
    const service = serviceSpec([functionSpec('api', { memory: 8192 })], { root: dir, configFile });
    const err: SlsxError = await makePlan({ service, target: 'local', adapter, ctx: { env: {}, cwd: dir, events: () => {}, now: () => new Date(0) }, packager: async () => [] }).catch((e) => e);
    expect(err.code).toBe('UNSUPPORTED_CAPABILITY');
    expect(err.diagnostics.map((d) => [d.file, d.line, d.col, d.lineText])).toEqual([
      ['faas.yaml', 5, 13, '    memory: 8192'],
      ['faas.yaml', 7, 9, '      - http: GET /a'],
      ['faas.yaml', 3, 3, '  api:'],
    ]);
  });
});
