import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testTmp } from '../support/tmp.js';
import { commentBody, commentMarker, MAX_BODY, planMarkdown } from '../../src/action/comment.js';
import { runAction } from '../../src/action/run.js';
import type { Change, Plan } from '../../src/core/resources.js';
import { pinnedProject } from './helpers.js';

interface Recorded {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
  apiVersion?: string;
  body?: { body?: string };
}

interface StoredComment {
  id: number;
  body: string;
  html_url: string;
}

/**
 * A loopback stand-in for the three GitHub REST API calls the action makes (list the issue's
 * comments page by page, create one, update one), keeping the comments in memory and recording
 * every request as it arrived.
 */
function fakeGithub(): { start(): Promise<string>; stop(): Promise<void>; requests: Recorded[]; comments: StoredComment[]; failPost?: number } {
  const state = { requests: [] as Recorded[], comments: [] as StoredComment[], failPost: undefined as number | undefined };
  let server: Server;
  let nextId = 1000;
  const read = (req: IncomingMessage) => new Promise<string>((ok) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => ok(text));
  });
  return {
    get requests() {
      return state.requests;
    },
    get comments() {
      return state.comments;
    },
    set failPost(v: number | undefined) {
      state.failPost = v;
    },
    async start() {
      server = createServer(async (req, res) => {
        const text = await read(req);
        state.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          accept: req.headers.accept,
          apiVersion: req.headers['x-github-api-version'] as string | undefined,
          ...(text ? { body: JSON.parse(text) } : {}),
        });
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        const url = new URL(req.url ?? '/', 'http://x');
        const list = url.pathname.match(/^\/repos\/acme\/shop\/issues\/(\d+)\/comments$/);
        const one = url.pathname.match(/^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/);
        if (list && req.method === 'GET') {
          const page = Number(url.searchParams.get('page') ?? 1);
          const per = Number(url.searchParams.get('per_page') ?? 30);
          return send(200, state.comments.slice((page - 1) * per, page * per));
        }
        if (list && req.method === 'POST') {
          if (state.failPost) return send(state.failPost, { message: 'Resource not accessible by integration' });
          const c = { id: nextId++, body: JSON.parse(text).body, html_url: `https://github.example/acme/shop/pull/${list[1]}#issuecomment-${nextId}` };
          state.comments.push(c);
          return send(201, c);
        }
        if (one && req.method === 'PATCH') {
          const c = state.comments.find((x) => x.id === Number(one[1]));
          if (!c) return send(404, { message: 'Not Found' });
          c.body = JSON.parse(text).body;
          return send(200, c);
        }
        send(404, { message: 'Not Found' });
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

const change = (id: string, action: Change['action'], reasons: string[], security = false): Change => ({ id, type: `aws:${id.split(':')[0]}`, action, reasons, dependsOn: [], security });
const planOf = (changes: Change[]): Plan => ({ version: 1, scope: { target: 'aws', service: 'shop', stage: 'pr-7', account: '123456789012', region: 'eu-west-1' }, createdAt: '2026-01-01T00:00:00Z', observedHash: 'x', changes, warnings: [] });
const COST = '### sls-x cost estimate\n\n| Function | Option | Total |\n|---|---|---:|\n| api | AWS Lambda arm64 | **$14.47** (cheapest) |\n';
const TOKEN = 'ghs_fakeTokenValue0123456789';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('the pull-request comment (comment: true)', () => {
  const gh = fakeGithub();
  let api = '';
  const work = testTmp('slsx-action-comment-');
  const event = join(work, 'event.json');
  writeFileSync(event, JSON.stringify({ action: 'synchronize', pull_request: { number: 7 } }));
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    INPUT_COMMAND: 'plan',
    INPUT_TARGET: 'aws',
    INPUT_STAGE: 'pr-7',
    INPUT_COMMENT: 'true',
    'INPUT_GITHUB-TOKEN': TOKEN,
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: api,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    ...extra,
  });
  beforeAll(async () => {
    api = await gh.start();
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    gh.requests.length = 0;
    gh.comments.length = 0;
    gh.failPost = undefined;
  });

  it('creates one comment with the plan and cost tables, then updates that same comment on the next run', async () => {
    // 100 other comments fill the first page: the action's own is found on page 2.
    for (let i = 0; i < 100; i++) gh.comments.push({ id: i + 1, body: `review comment ${i}`, html_url: `u${i}` });
    const first = planOf([
      change('function:api', 'create', ['not deployed']),
      change('role:api', 'update', ['statement added: s3:GetObject on arn:aws:s3:::uploads/*'], true),
      // Text a pull request controls (an env value) lands in a reason: it must stay text.
      change('function:worker', 'update', [`env.GREETING: "hi" -> "<img src=x onerror=alert(1)> | @octocat ${AWS_SECRET}"`]),
      change('queue:orders', 'noop', []),
    ]);
    const { dir, calls } = pinnedProject({ plan: `${JSON.stringify({ plan: first })}\n`, cost: COST });
    const output = join(work, 'output1.txt');
    writeFileSync(output, '');
    let log = '';
    expect(await runAction(env({ GITHUB_OUTPUT: output }), (s) => (log += s), { cwd: dir })).toBe(0);

    const base = '/repos/acme/shop/issues';
    expect(gh.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${base}/7/comments?per_page=100&page=1`,
      `GET ${base}/7/comments?per_page=100&page=2`,
      `POST ${base}/7/comments`,
    ]);
    for (const r of gh.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.accept).toBe('application/vnd.github+json');
      expect(r.apiVersion).toBe('2022-11-28');
    }
    const body = gh.requests[2].body!.body!;
    const marker = commentMarker({ stage: 'pr-7', target: 'aws' });
    expect(body.startsWith(`${marker}\n### sls-x plan: shop (stage pr-7) on aws, eu-west-1\n`)).toBe(true);
    expect(body).toContain('| + | create | `function:api` | aws:function | not deployed |');
    expect(body).toContain('| ~ | update **IAM** | `role:api` | aws:role | statement added: s3:GetObject on arn:aws:s3:::uploads/* |');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt; \\| &#64;octocat ***');
    expect(body).not.toContain('queue:orders');
    expect(body).toContain('**1 to create, 2 to update, 0 to replace, 0 to delete**, 1 unchanged.');
    expect(body).toContain('**1 identity/permission (IAM) change**');
    expect(body).toContain(COST.trim());
    expect(body).toContain('[run](https://github.example/acme/shop/actions/runs/42)');
    // No secret value and no account id leave the job.
    for (const secret of [TOKEN, AWS_SECRET, '123456789012']) expect(body).not.toContain(secret);
    expect(log).not.toContain(TOKEN);
    // sls-x ran twice: the plan, then the cost table of the same config and stage; neither saw the token.
    const ran = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ran.map((c) => c.argv)).toEqual([
      ['plan', '--target', 'aws', '--stage', 'pr-7', '--json'],
      ['cost', 'estimate', '--stage', 'pr-7', '--format', 'markdown'],
    ]);
    for (const c of ran) expect(JSON.stringify(c.env)).not.toContain(TOKEN);
    expect(readFileSync(output, 'utf8')).toMatch(/comment-url<<slsx_[0-9a-f-]+\nhttps:\/\/github\.example\/acme\/shop\/pull\/7#issuecomment-\d+\n/);

    // Next push: a different plan. The same comment is edited, not a second one posted.
    const second = planOf([change('function:api', 'update', ['code sha256 changed'])]);
    const again = pinnedProject({ plan: `${JSON.stringify({ plan: second })}\n`, cost: COST });
    gh.requests.length = 0;
    log = '';
    expect(await runAction(env(), (s) => (log += s), { cwd: again.dir })).toBe(0);
    const id = gh.comments.find((c) => c.body.startsWith(marker))!.id;
    expect(gh.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${base}/7/comments?per_page=100&page=1`,
      `GET ${base}/7/comments?per_page=100&page=2`,
      `PATCH ${base}/comments/${id}`,
    ]);
    expect(gh.comments.filter((c) => c.body.includes('sls-x-action comment'))).toHaveLength(1);
    expect(gh.comments.find((c) => c.id === id)!.body).toContain('| ~ | update | `function:api` | aws:function | code sha256 changed |');
    expect(gh.comments.find((c) => c.id === id)!.body).not.toContain('not deployed');
    expect(log).toContain('sls-x: updated the pull-request comment');
  });

  it('keeps one comment per config, stage and target: another stage gets its own', async () => {
    const plan = planOf([]);
    const p = pinnedProject({ plan: `${JSON.stringify({ plan })}\n`, cost: COST });
    await runAction(env(), () => {}, { cwd: p.dir });
    await runAction(env({ INPUT_STAGE: 'prod' }), () => {}, { cwd: p.dir });
    await runAction(env(), () => {}, { cwd: p.dir });
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(gh.comments.map((c) => c.body.split('\n')[0])).toEqual([commentMarker({ stage: 'pr-7', target: 'aws' }), commentMarker({ stage: 'prod', target: 'aws' })]);
    expect(gh.comments[0].body).toContain('No changes: everything is up to date.');
  });

  it('says the command failed instead of leaving an old plan standing, and still exits with its code', async () => {
    const p = pinnedProject({});
    let log = '';
    expect(await runAction(env(), (s) => (log += s), { cwd: p.dir })).toBe(2);
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    const body = gh.requests[1].body!.body!;
    expect(body).toContain('### sls-x plan failed (exit code 2)');
    expect(body).not.toContain('cost estimate');
    // The failing plan ran; no cost run after it.
    expect(readFileSync(p.calls, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('warns and keeps the exit code when GitHub refuses the comment (a fork\'s read-only token)', async () => {
    gh.failPost = 403;
    const p = pinnedProject({ plan: `${JSON.stringify({ plan: planOf([]) })}\n`, cost: COST });
    let log = '';
    expect(await runAction(env(), (s) => (log += s), { cwd: p.dir })).toBe(0);
    expect(log).toContain(`::warning title=sls-x comment::Could not post the pull-request comment: GitHub API POST /repos/acme/shop/issues/7/comments: 403 Resource not accessible by integration`);
    expect(log).not.toContain(TOKEN);
  });

  it('posts nothing outside a pull request, or without the input', async () => {
    const p = pinnedProject({ plan: `${JSON.stringify({ plan: planOf([]) })}\n`, cost: COST });
    let log = '';
    expect(await runAction(env({ GITHUB_EVENT_PATH: undefined }), (s) => (log += s), { cwd: p.dir })).toBe(0);
    expect(log).toContain('::notice title=sls-x comment::No pull-request comment: this run is not for a pull request.');
    expect(await runAction(env({ INPUT_COMMENT: undefined }), () => {}, { cwd: p.dir })).toBe(0);
    expect(gh.requests).toEqual([]);
    // Only the plan ran both times: no cost run when nothing is posted.
    expect(readFileSync(p.calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l).argv[0])).toEqual(['plan', 'plan']);
  });

  it('posts the cost table alone for cost-estimate', async () => {
    const p = pinnedProject({ cost: COST });
    expect(await runAction(env({ INPUT_COMMAND: 'cost-estimate', INPUT_TARGET: undefined }), () => {}, { cwd: p.dir })).toBe(0);
    const body = gh.requests.find((r) => r.method === 'POST')!.body!.body!;
    expect(body).toBe(`${commentMarker({ stage: 'pr-7' })}\n\n${COST.trim()}\n\n<sub>Posted by the sls-x GitHub Action, [run](https://github.example/acme/shop/actions/runs/42). Updated in place on every run.</sub>\n`);
  });
});

describe('the comment body', () => {
  it('cuts a huge plan to fit a GitHub comment, saying how many changes are left out', () => {
    const changes = Array.from({ length: 5000 }, (_, i) => change(`function:f${i}`, 'create', ['not deployed']));
    const md = planMarkdown(planOf(changes), 'plan');
    expect(md.length).toBeLessThan(MAX_BODY / 2 + 200);
    const shown = md.split('\n').filter((l) => l.startsWith('| + |')).length;
    expect(shown).toBeGreaterThan(100);
    expect(md).toContain(`| | | ${5000 - shown} more changes | | see the job log |`);
    const body = commentBody({ marker: '<!-- m -->', command: 'plan', plan: planOf(changes), cost: { markdown: COST } }, {});
    expect(body.length).toBeLessThanOrEqual(MAX_BODY + 100);
  });

  it('keeps the marker an HTML comment whatever the inputs hold', () => {
    const m = commentMarker({ config: 'a --> <b>x</b>', stage: '-->', target: 'aws' });
    expect(m).toMatch(/^<!-- sls-x-action comment [0-9a-f]{16} -->$/);
    expect(m).not.toBe(commentMarker({ config: 'a', stage: '-->', target: 'aws' }));
  });
});
