import type { Diagnostic } from '../../src/model/diagnostic.js';
import { corsOf, type Service } from '../../src/model/service.js';
import { stableJson } from '../../src/plan/diff.js';
import { scheduleExpression } from './cron.js';
import { authorizerName, NAME_LIMITS, names as namesFor } from './naming.js';
import { functionEnv } from './desired.js';
import { secretName } from './policy.js';

/** Lambda's hard limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const LAMBDA = {
  minMemory: 128,
  maxMemory: 10_240,
  maxTimeoutMs: 900_000,
  minEphemeral: 512,
  maxEphemeral: 10_240,
  /** Environment variables, all keys and values together. */
  maxEnvBytes: 4_096,
  /** Direct upload limit of CreateFunction/UpdateFunctionCode; bigger zips are staged in S3. */
  maxDirectZipBytes: 50 * 1024 * 1024,
  /** A zip can never be larger than what it unpacks to (250 MB). */
  maxZipBytes: 250 * 1024 * 1024,
  maxBatchSize: 10_000,
  maxBatchWindowS: 300,
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * What Lambda and its event sources cannot do as configured: errors block the plan before
 * any call to AWS, warnings are shown. Pure.
 */
export function validateAws(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = service.configFile;
  const err = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'error', code, message, hint, path, file, target: 'aws' });
  const warn = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'warning', code, message, hint, path, file, target: 'aws' });
  const names = namesFor(service.service, service.stage);

  const retention = service.targets.aws?.logRetentionDays;
  if (retention !== undefined && !LOG_RETENTION_DAYS.includes(Number(retention))) {
    err('targets.aws.logRetentionDays', 'limit-log-retention', `CloudWatch Logs cannot keep logs for ${retention} days.`, `Use one of ${LOG_RETENTION_DAYS.join(', ')}.`);
  }
  for (const fn of service.functions) {
    const at = `functions.${fn.name}`;
    if (fn.memory < LAMBDA.minMemory || fn.memory > LAMBDA.maxMemory) {
      err(`${at}.memory`, 'limit-memory', `Lambda memory must be ${LAMBDA.minMemory}-${LAMBDA.maxMemory} MB; '${fn.name}' asks for ${fn.memory} MB.`, `Set memory between ${LAMBDA.minMemory} and ${LAMBDA.maxMemory}.`);
    }
    if (fn.timeoutMs > LAMBDA.maxTimeoutMs) {
      err(`${at}.timeout`, 'limit-timeout', `Lambda functions run at most 900 s; '${fn.name}' asks for ${fn.timeoutMs / 1000} s.`, 'Set timeout to 900s or less, or split the work into queue-driven steps.');
    }
    if (fn.ephemeralStorage < LAMBDA.minEphemeral || fn.ephemeralStorage > LAMBDA.maxEphemeral) {
      err(`${at}.ephemeralStorage`, 'limit-ephemeral-storage', `Lambda /tmp must be ${LAMBDA.minEphemeral}-${LAMBDA.maxEphemeral} MB; '${fn.name}' asks for ${fn.ephemeralStorage} MB.`, 'Set ephemeralStorage in that range.');
    }
    if (fn.name.length > NAME_LIMITS.function) {
      err(`${at}`, 'limit-name-length', `Function name '${fn.name}' is ${fn.name.length} characters; Lambda names are at most ${NAME_LIMITS.function}.`, 'Use a shorter function key.');
    } else if (names.functionName(fn.name) !== `${names.prefix}-${fn.name}`) {
      warn(`${at}`, 'name-shortened', `On AWS '${fn.name}' is deployed as '${names.functionName(fn.name)}' (Lambda names are at most 64 characters).`, 'Use a shorter service, stage or function name to keep the full name.');
    }
    // Count what Lambda gets: the config's env plus the SLSX_QUEUES / SLSX_BUCKETS / SLSX_TABLES / SLSX_SECRETS maps.
    const envBytes = Object.entries(functionEnv(service, fn, names)).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (envBytes > LAMBDA.maxEnvBytes) {
      err(`${at}.env`, 'limit-env-size', `'${fn.name}' has ${envBytes} bytes of environment variables (with the SLSX_* maps sls-x adds); Lambda allows 4 KB in total.`, 'Move large values to a secret or a file in the bundle.');
    }
    if (fn.concurrency.max !== undefined && fn.concurrency.warm > fn.concurrency.max) {
      err(`${at}.concurrency.warm`, 'limit-concurrency', `'${fn.name}' asks for ${fn.concurrency.warm} warm instances but at most ${fn.concurrency.max}.`, 'Set warm <= max.');
    }
    const httpEvents = fn.events.filter((e) => e.kind === 'http');
    if (httpEvents.length > 0 && fn.timeoutMs > 30_000) {
      warn(`${at}.timeout`, 'http-timeout', `API Gateway HTTP APIs answer within 30 s; '${fn.name}' may run ${fn.timeoutMs / 1000} s, so slow calls get a 503 while the function keeps running.`, 'Keep HTTP functions under 30 s, or hand long work to a queue.');
    }
    fn.events.forEach((e, i) => {
      const ev = `${at}.events.${i}`;
      if (e.kind === 'queue') {
        if (e.batchSize > LAMBDA.maxBatchSize) err(`${ev}.batchSize`, 'limit-batch-size', `SQS batches hold at most ${LAMBDA.maxBatchSize} messages; '${fn.name}' asks for ${e.batchSize}.`, 'Lower batchSize.');
        if (e.batchWindowMs > LAMBDA.maxBatchWindowS * 1000) err(`${ev}.batchWindow`, 'limit-batch-window', `Lambda gathers a batch for at most 300 s; '${fn.name}' asks for ${e.batchWindowMs / 1000} s.`, 'Lower batchWindow.');
        if (e.batchSize > 10 && e.batchWindowMs < 1000) {
          err(`${ev}.batchWindow`, 'batch-window-required', `On AWS a batchSize over 10 needs a batch window of at least 1 s ('${fn.name}' has batchSize ${e.batchSize}).`, 'Add `batchWindow: 1s` (or more) to this queue event, or use batchSize 10 or less.');
        }
        const q = service.queues.find((x) => x.name === e.queue);
        if (q && q.visibilityTimeoutMs < fn.timeoutMs) {
          err(`queues.${q.name}.visibilityTimeout`, 'queue-visibility-timeout', `SQS needs queue '${q.name}' visibility timeout (${q.visibilityTimeoutMs / 1000} s) to be at least the timeout of '${fn.name}' (${fn.timeoutMs / 1000} s), which consumes it.`, `Set visibilityTimeout to ${Math.ceil(fn.timeoutMs / 1000) * 6}s (AWS recommends 6x the function timeout).`);
        }
      } else if (e.kind === 'schedule') {
        const expr = scheduleExpression(e);
        if ('error' in expr) err(`${ev}.schedule`, 'schedule-unsupported', `EventBridge Scheduler cannot run '${e.expression}': ${expr.error}.`, 'Rewrite the schedule so AWS can express it.');
      }
    });
  }
  out.push(...validateAwsHttp(service));
  for (const q of service.queues) {
    if (q.retentionMs < 60_000 || q.retentionMs > 1_209_600_000) {
      err(`queues.${q.name}.retention`, 'limit-queue-retention', `SQS keeps messages 60 s to 14 days; queue '${q.name}' asks for ${q.retentionMs / 1000} s.`, 'Set retention within that range.');
    }
    if (q.visibilityTimeoutMs > 43_200_000) {
      err(`queues.${q.name}.visibilityTimeout`, 'limit-visibility-timeout', `SQS visibility timeouts are at most 12 h; queue '${q.name}' asks for ${q.visibilityTimeoutMs / 1000} s.`, 'Lower visibilityTimeout.');
    }
  }
  return out;
}

/** API Gateway quota: JWT (and Lambda) authorizers per HTTP API. */
export const MAX_AUTHORIZERS = 10;
/** API Gateway refuses a CORS MaxAge over a day. */
export const MAX_CORS_AGE_S = 86_400;

/**
 * The HTTP API's CORS and JWT authorizers: what API Gateway cannot do as the routes ask. CORS is
 * one setting per API, so routes must agree on it; authorizers fetch keys over https only.
 */
export function validateAwsHttp(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = service.configFile;
  const err = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'error', code, message, hint, path, file, target: 'aws' });
  const warn = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'warning', code, message, hint, path, file, target: 'aws' });
  const routes = service.functions.flatMap((fn) => fn.events.flatMap((e, i) => (e.kind === 'http' ? [{ fn, e, at: `functions.${fn.name}.events.${i}.http` }] : [])));
  const withCors = routes.filter((r) => corsOf(r.e));
  if (withCors.length > 0 && withCors.length < routes.length) {
    const without = routes.find((r) => !corsOf(r.e))!;
    warn(without.at, 'cors-per-api', `On AWS, CORS is configured for the whole HTTP API: \`${without.e.method} ${without.e.path}\` has no \`cors\` but will answer CORS preflights like the others.`, 'Set cors on every route, or on none, to make the intent explicit.');
  }
  const first = withCors[0];
  if (first) {
    const want = stableJson(corsOf(first.e));
    const other = withCors.find((r) => stableJson(corsOf(r.e)) !== want);
    if (other) {
      err(`${other.at}.cors`, 'cors-per-api', `On AWS, CORS is one setting for the whole HTTP API, but \`${other.e.method} ${other.e.path}\` asks for different CORS than \`${first.e.method} ${first.e.path}\`.`, 'Give every route the same `cors` (a YAML anchor helps: `cors: &cors { origins: [...] }`, then `cors: *cors`), or split the routes into two services.');
    }
    const age = corsOf(first.e)!.maxAgeS;
    if (age > MAX_CORS_AGE_S) err(`${first.at}.cors.maxAge`, 'limit-cors-max-age', `API Gateway caches CORS preflights for at most ${MAX_CORS_AGE_S} s (1 day); \`${first.e.method} ${first.e.path}\` asks for ${age} s.`, 'Set `maxAge` to `1d` or less.');
  }
  const names = new Map<string, string>();
  for (const r of routes) {
    if (!r.e.auth) continue;
    const jwt = r.e.auth.jwt;
    if (!jwt.issuer.startsWith('https://')) {
      err(`${r.at}.auth.jwt.issuer`, 'auth-issuer-https', `API Gateway fetches the keys of JWT issuers over https only; \`${jwt.issuer}\` cannot be used on AWS.`, 'Use your identity provider\'s https issuer URL (a loopback `http://` issuer works on the local target only).');
    }
    if (!names.has(authorizerName(jwt))) names.set(authorizerName(jwt), r.at);
  }
  if (names.size > MAX_AUTHORIZERS) {
    const extra = [...names.values()][MAX_AUTHORIZERS];
    err(`${extra}.auth`, 'limit-authorizers', `The routes ask for ${names.size} different JWT authorizers (issuer and audiences); an HTTP API holds at most ${MAX_AUTHORIZERS}.`, 'Share issuers and audience lists between routes (each distinct pair is one authorizer), or split the service.');
  }
  return out;
}
