import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/local/index.js';
import type { LogLine } from '../../src/model/invocation.js';
import { context, deploy, fn, http, service, tempProject } from './helpers.js';

describe('local logs: structured lines per invocation, --follow', () => {
  const project = tempProject({ 'src/log.mjs': `export const handler = async (req, ctx) => { console.log('plain %d', 1); ctx.log.warn('careful', { id: req.pathParams.id }); return {}; };\n` });
  const svc = service(project.root, { functions: [fn('talk', 'src/log.mjs#handler', [http('GET', '/talk/{id}')])] });
  let base = '';
  beforeAll(async () => {
    base = ((await deploy(svc)).outputs.localCloud as { url: string }).url;
  });
  afterAll(() => project.cleanup());

  it('follows new lines as invocations happen, attributed to their request, until aborted', async () => {
    const abort = new AbortController();
    const seen: LogLine[] = [];
    const reading = (async () => {
      for await (const line of adapter.logs!(svc, 'talk', { follow: true, signal: abort.signal }, context(project.root))) {
        seen.push(line);
        if (seen.length === 4) abort.abort();
      }
    })();
    const first = (await fetch(`${base}/talk/1`)).headers.get('x-request-id');
    const second = (await fetch(`${base}/talk/2`)).headers.get('x-request-id');
    await reading;
    expect(seen.map((l) => [l.requestId, l.level, l.message, l.data])).toEqual([
      [first, 'info', 'plain 1', undefined],
      [first, 'warn', 'careful', { id: '1' }],
      [second, 'info', 'plain 1', undefined],
      [second, 'warn', 'careful', { id: '2' }],
    ]);
    expect(seen.every((l) => l.function === 'talk')).toBe(true);
  });
});
