import { createHash } from 'node:crypto';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import type { Artifact } from '../../src/model/artifact.js';
import type { FunctionSpec, Runtime, Service } from '../../src/model/service.js';
import type { DesiredResource, Props } from '../../src/core/resources.js';
import { stableJson } from '../../src/plan/diff.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { names as namesFor, TYPES, type Names } from './naming.js';
import { functionPolicy, secretName } from './policy.js';
import { roleArn } from './session.js';
import { desiredEvents } from './desired-events.js';
import { desiredTables } from './desired-tables.js';
import { LAMBDA } from './validate.js';

export const LAMBDA_RUNTIMES: Record<Runtime, string> = { node20: 'nodejs20.x', node22: 'nodejs22.x', node24: 'nodejs24.x' };

export const DEFAULT_LOG_RETENTION_DAYS = 14;

/** Hex sha256 (the artifact's) as Lambda reports CodeSha256: base64 of the same bytes. */
export function codeSha256(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Environment the function runs with: the config's env, where its queues, buckets, tables and secrets are, and its SLSX_FUNCTIONS configuration. */
export function functionEnv(service: Service, fn: FunctionSpec, names: Names): Record<string, string> {
  const env: Record<string, string> = { ...fn.env };
  if (fn.sends.length > 0) env.SLSX_QUEUES = stableJson(Object.fromEntries(fn.sends.map((q) => [q, names.queueName(q)])));
  if (fn.buckets.length > 0) {
    env.SLSX_BUCKETS = stableJson(
      Object.fromEntries(fn.buckets.map((b) => [b.name, service.buckets.find((x) => x.name === b.name)?.existing ?? names.bucketName(b.name, service.targets.aws?.account)])),
    );
  }
  // The function's own tables: physical name, key attribute and declared access (src/runtime/tables.ts reads it).
  if (fn.tables?.length) {
    env.SLSX_TABLES = stableJson(
      Object.fromEntries(fn.tables.map((t) => [t.name, { name: names.tableName(t.name), key: service.tables?.find((x) => x.name === t.name)?.key ?? 'id', access: t.access }])),
    );
  }
  // Names only: values are read from Secrets Manager at run time, never stored here.
  if (fn.secrets.length > 0) env.SLSX_SECRETS = stableJson(Object.fromEntries(fn.secrets.map((s) => [s, secretName(service, s)])));
  // Events and timeout reach the shim here, not in the code: a config change is a config update.
  Object.assign(env, functionsEnv(service, [fn], 'aws'));
  return env;
}

/** Function props whose change makes a new version (what the alias tracks). */
export function versionHash(props: Props): string {
  const { reservedConcurrency: _r, ...rest } = props;
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 16);
}

function functionResources(service: Service, fn: FunctionSpec, artifact: Artifact, names: Names): DesiredResource[] {
  const name = names.functionName(fn.name);
  const roleId = `role:${fn.name}`;
  const logsId = `logs:${fn.name}`;
  const fnId = `function:${fn.name}`;
  if (artifact.size > LAMBDA.maxZipBytes) {
    throw new SlsxError('UNSUPPORTED_CAPABILITY', `Function '${fn.name}' packages to ${Math.ceil(artifact.size / 1048576)} MB; Lambda takes at most 250 MB unzipped.`, {
      hint: 'Mark large dependencies as external or trim them.',
    });
  }
  const fnProps: Props = {
    name,
    runtime: LAMBDA_RUNTIMES[fn.runtime],
    architecture: fn.architecture,
    handler: 'index.handler',
    memory: fn.memory,
    timeout: Math.ceil(fn.timeoutMs / 1000),
    ephemeralStorage: fn.ephemeralStorage,
    env: functionEnv(service, fn, names),
    role: roleArn(names.rolePath, names.roleName(fn.name)),
    logGroup: names.logGroup(fn.name),
    codeSha256: codeSha256(artifact.sha256),
    reservedConcurrency: fn.concurrency.max,
  };
  const out: DesiredResource[] = [
    {
      id: roleId,
      type: TYPES.role,
      security: true,
      props: { name: names.roleName(fn.name), path: names.rolePath, trust: ['lambda.amazonaws.com'], policy: functionPolicy(service, fn, names), managedPolicies: [], otherInlinePolicies: [] },
      replaceOn: ['path'],
    },
    {
      id: logsId,
      type: TYPES.logGroup,
      props: { name: names.logGroup(fn.name), retentionDays: Number(service.targets.aws?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS) },
    },
    // Its tables first: once the function can run, the tables it uses are ACTIVE.
    { id: fnId, type: TYPES.function, props: fnProps, dependsOn: [roleId, logsId, ...(fn.tables ?? []).map((t) => `table:${t.name}`)], inputs: { zipPath: artifact.zipPath, size: artifact.size } },
  ];
  if (fn.concurrency.warm > 0) {
    out.push({
      id: `alias:${fn.name}`,
      type: TYPES.alias,
      props: { function: name, name: names.alias, version: versionHash(fnProps), provisioned: fn.concurrency.warm },
      dependsOn: [fnId],
    });
  }
  return out;
}

/**
 * Everything the config wants in AWS, pure: no account, region or API id (ARNs carry
 * placeholders that apply() fills in). Order is stable, so plans read the same every time.
 */
export function desired(service: Service, artifacts: Artifact[]): DesiredResource[] {
  const names = namesFor(service.service, service.stage);
  const out: DesiredResource[] = [];
  for (const fn of service.functions) {
    const artifact = artifacts.find((a) => a.target === 'aws' && (a.name === fn.name || a.functions.includes(fn.name)));
    if (!artifact) {
      throw new SlsxError('INTERNAL', `No aws artifact for function '${fn.name}'.`, { hint: 'Package the service for aws before planning.' });
    }
    out.push(...functionResources(service, fn, artifact, names));
  }
  out.push(...desiredEvents(service, names), ...desiredTables(service, names));
  return out;
}

export { TYPES };
