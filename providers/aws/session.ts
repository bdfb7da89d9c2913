import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { createClients, isAwsClients, type AwsClients } from './clients.js';
import { names, type Names } from './naming.js';
import { pooledClients } from './pool.js';
import { partitionOf } from './regions.js';

/** Everything one command's AWS calls share: clients for the region, account, names. */
export interface Session {
  clients: AwsClients;
  account: string;
  region: string;
  service: string;
  stage: string;
  names: Names;
  /** Id of this stage's HTTP API once found or created (null: looked up, none exists). */
  apiId?: string | null;
  /** JWT authorizers of that API: logical id (`authorizer:slsx-jwt-...`) to authorizer id, as observed or created. */
  authorizers?: Map<string, string>;
  /** Reads the preflight made that the observe after it would repeat (see `prefetch`). */
  prefetched?: Map<string, Promise<unknown>>;
}

/**
 * A read the preflight makes (GetRole, GetFunction of each name) that observe makes again a moment
 * later: kept once, for the next observe to take (`takePrefetched`), so a plan reads each thing
 * once. Observe drops what it did not take, so a re-observe (under the lock) always reads afresh.
 */
export function prefetch<T>(session: Session, key: string, read: () => Promise<T>): Promise<T> {
  const p = read();
  p.catch(() => undefined);
  (session.prefetched ??= new Map()).set(key, p);
  return p;
}

export function takePrefetched<T>(session: Session, key: string, read: () => Promise<T>): Promise<T> {
  const p = session.prefetched?.get(key);
  if (!p) return read();
  session.prefetched!.delete(key);
  return p as Promise<T>;
}

/**
 * Sessions are kept per AdapterContext (a WeakMap, so nothing outlives the command): scope()
 * opens one, and observe/apply/outputs of the same context reuse its clients, account and
 * region. apply() has no scope argument in the contract, so this is how it knows the region.
 */
const sessions = new WeakMap<AdapterContext, Session>();

export async function openSession(ctx: AdapterContext, scope: Scope & { region: string }, account?: string, profile?: string): Promise<Session> {
  const existing = sessions.get(ctx);
  if (existing && existing.region === scope.region && existing.service === scope.service && existing.stage === scope.stage) {
    if (account) existing.account = account;
    return existing;
  }
  const injected = pickClients(ctx.clients);
  // Every call goes through one bounded, per-API paced pool (pool.ts).
  const { clients } = pooledClients(injected ?? (await createClients(scope.region, ctx.env, profile)));
  const session: Session = {
    clients,
    account: account ?? scope.account ?? '',
    region: scope.region,
    service: scope.service,
    stage: scope.stage,
    names: names(scope.service, scope.stage),
  };
  sessions.set(ctx, session);
  return session;
}

/** Injected clients: either the AwsClients themselves or a per-target record holding them under `aws`. */
function pickClients(value: unknown): AwsClients | undefined {
  if (isAwsClients(value)) return value;
  const nested = (value as { aws?: unknown } | undefined)?.aws;
  return isAwsClients(nested) ? nested : undefined;
}

/** The session scope() opened for this context. */
export function sessionOf(ctx: AdapterContext): Session {
  const session = sessions.get(ctx);
  if (!session) {
    throw new SlsxError('INTERNAL', 'aws adapter: apply/outputs called before scope() with the same context.', {
      hint: 'Call adapter.scope(service, ctx) first and pass the same ctx object.',
    });
  }
  return session;
}

const PLACEHOLDERS = { partition: '${AWS::Partition}', region: '${AWS::Region}', account: '${AWS::AccountId}', api: '${ApiId}' } as const;
export { PLACEHOLDERS };

/**
 * Desired props are pure and cannot know the account, region or the HTTP API's id, so ARNs
 * in them carry placeholders; apply() fills them in (`resolve`) and observe() puts them back
 * (`templatize`) so both sides of the diff compare equal.
 */
export function resolve<T>(value: T, session: Pick<Session, 'account' | 'region' | 'apiId'>): T {
  return deep(value, (s) =>
    s
      .split(PLACEHOLDERS.partition).join(partitionOf(session.region))
      .split(PLACEHOLDERS.region).join(session.region)
      .split(PLACEHOLDERS.account).join(session.account)
      .split(PLACEHOLDERS.api).join(session.apiId ?? PLACEHOLDERS.api),
  ) as T;
}

/** Put placeholders back into ARN-shaped strings read from AWS. */
export function templatize<T>(value: T, session: Pick<Session, 'account' | 'region' | 'apiId'>): T {
  return deep(value, (s) => {
    if (!s.startsWith('arn:')) return s;
    const parts = s.split(':');
    if (parts.length < 6) return s;
    if (parts[1] === partitionOf(session.region)) parts[1] = PLACEHOLDERS.partition;
    if (parts[3] === session.region) parts[3] = PLACEHOLDERS.region;
    if (parts[4] === session.account) parts[4] = PLACEHOLDERS.account;
    let out = parts.join(':');
    if (session.apiId) out = out.split(`:${session.apiId}/`).join(`:${PLACEHOLDERS.api}/`);
    return out;
  }) as T;
}

function deep(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => deep(v, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, map)]));
  }
  return value;
}

/** ARN of a function (placeholders), optionally qualified by an alias. */
export function functionArn(name: string, qualifier?: string): string {
  return `arn:${PLACEHOLDERS.partition}:lambda:${PLACEHOLDERS.region}:${PLACEHOLDERS.account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

export function roleArn(path: string, name: string): string {
  return `arn:${PLACEHOLDERS.partition}:iam::${PLACEHOLDERS.account}:role${path}${name}`;
}

export function queueArn(name: string): string {
  return `arn:${PLACEHOLDERS.partition}:sqs:${PLACEHOLDERS.region}:${PLACEHOLDERS.account}:${name}`;
}

export function tableArn(name: string): string {
  return `arn:${PLACEHOLDERS.partition}:dynamodb:${PLACEHOLDERS.region}:${PLACEHOLDERS.account}:table/${name}`;
}

/** Tags for a resource with logical id `id`. */
export function tagsFor(session: Pick<Session, 'service' | 'stage'>, id: string): Record<string, string> {
  return { 'slsx:service': session.service, 'slsx:stage': session.stage, 'slsx:id': id };
}
