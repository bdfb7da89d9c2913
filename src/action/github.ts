import { readFileSync } from 'node:fs';

/** Where the comment goes: GitHub's REST API as the job's token (GITHUB_TOKEN) sees it. */
export interface GithubTarget {
  /** `GITHUB_API_URL` (GitHub Enterprise Server has its own). */
  apiUrl: string;
  /** `owner/name`. */
  repository: string;
  issue: number;
  token: string;
  fetch?: typeof fetch;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * The pull request this run is for, from the event payload GitHub writes to GITHUB_EVENT_PATH:
 * `pull_request.number` (pull_request, pull_request_target, pull_request_review events) or a
 * comment on a pull request (`issue.pull_request`, issue_comment). Undefined for a push.
 */
export function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  let event: { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  try {
    event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return undefined;
  }
  const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The target for this run, or why there is none (a sentence for the log). */
export function githubTarget(env: NodeJS.ProcessEnv, token: string | undefined): GithubTarget | string {
  const issue = pullRequestNumber(env);
  if (issue === undefined) return 'this run is not for a pull request';
  if (!token) return 'no github-token (the default is the job\'s GITHUB_TOKEN; give the job `permissions: pull-requests: write`)';
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (!REPOSITORY.test(repository)) return 'GITHUB_REPOSITORY is not owner/name';
  return { apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''), repository, issue, token };
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
}

async function call<T>(gh: GithubTarget, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const res = await (gh.fetch ?? fetch)(`${gh.apiUrl}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${gh.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'sls-x-action',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let message = '';
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
    } catch {
      // not JSON: the status says enough
    }
    // The path and GitHub's message only: never a header, so never the token.
    throw new Error(`GitHub API ${method} ${path}: ${res.status}${message ? ` ${message.slice(0, 200)}` : ''}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** At most this many pages of 100 comments are searched for the marker. */
const MAX_PAGES = 30;

/**
 * Update the pull request's comment whose body starts with `marker`, or create one: one comment
 * per marker however often the step runs. Issue comments are what a PR's conversation shows.
 */
export async function upsertComment(gh: GithubTarget, marker: string, body: string): Promise<{ action: 'created' | 'updated'; id: number; url?: string }> {
  const base = `/repos/${gh.repository}/issues`;
  let existing: IssueComment | undefined;
  for (let page = 1; page <= MAX_PAGES && !existing; page++) {
    const comments = await call<IssueComment[]>(gh, 'GET', `${base}/${gh.issue}/comments?per_page=100&page=${page}`);
    existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(marker));
    if (comments.length < 100) break;
  }
  if (existing) {
    const updated = await call<IssueComment>(gh, 'PATCH', `${base}/comments/${existing.id}`, { body });
    return { action: 'updated', id: existing.id, url: updated?.html_url };
  }
  const created = await call<IssueComment>(gh, 'POST', `${base}/${gh.issue}/comments`, { body });
  return { action: 'created', id: created.id, url: created.html_url };
}
