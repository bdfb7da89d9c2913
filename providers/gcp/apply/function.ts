import type { GcfFunction, Operation, StorageSource } from '../clients.js';
import { call, errorKind, ignoreMissing, mapGcpError } from '../errors.js';
import { LABEL_CODE } from '../naming.js';
import { LABEL_FN } from '../observe.js';
import { getFunction } from '../observe.js';
import { isOurs, labelsFor } from '../session.js';
import { codeLabel, uploadSource } from './code.js';
import { changed, notOurs, parents, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

interface Trigger {
  eventType: string;
  pubsubTopic?: string;
  bucket?: string;
  retryPolicy: string;
  serviceAccount: string;
}

/** Which `updateMask` path each prop lives at (proto field names). */
const MASK: Record<string, string[]> = {
  runtime: ['build_config.runtime'],
  entryPoint: ['build_config.entry_point'],
  // Cloud Run needs a minimum CPU for each memory size, and the CPU set at create stays unless it
  // is sent again: memory and CPU always go together, as gcloud sends them.
  memory: ['service_config.available_memory', 'service_config.available_cpu'],
  timeout: ['service_config.timeout_seconds'],
  env: ['service_config.environment_variables'],
  secrets: ['service_config.secret_environment_variables'],
  maxInstances: ['service_config.max_instance_count'],
  minInstances: ['service_config.min_instance_count'],
  serviceAccount: ['service_config.service_account_email'],
  ingress: ['service_config.ingress_settings'],
  codeSha256: ['build_config.source', 'labels'],
};

/**
 * The vCPU Cloud Functions (2nd gen) gives each memory size, from the table at
 * https://cloud.google.com/functions/docs/configuring/memory (the same gcloud sends as
 * `--cpu` defaults): 128 MiB 0.083, 256 MiB 0.167, 512 MiB 0.333, 1 GiB 0.583, 2 GiB 1, 4 GiB 2,
 * 8 GiB 2, 16 GiB 4, 32 GiB 8. A size between two rows gets the CPU of the next row up, which is
 * at least Cloud Run's minimum for it.
 */
export const CPU_BY_MEMORY_MIB: ReadonlyArray<readonly [number, string]> = [
  [128, '0.083'], [256, '0.167'], [512, '0.333'], [1024, '0.583'], [2048, '1'], [4096, '2'], [8192, '2'], [16384, '4'], [32768, '8'],
];

/** `availableCpu` for an `availableMemory` like `512Mi` (sizes past the table get its last row). */
export function cpuForMemory(memory: string): string {
  const mib = Number(/^(\d+)Mi$/.exec(memory)?.[1] ?? /^(\d+)Gi$/.exec(memory)?.[1] ?? NaN) * (memory.endsWith('Gi') ? 1024 : 1);
  const row = CPU_BY_MEMORY_MIB.find(([m]) => mib <= m) ?? CPU_BY_MEMORY_MIB[CPU_BY_MEMORY_MIB.length - 1]!;
  return row[1];
}

const fullName = (c: ApplyContext, props = c.after): string => `${parents(c).location}/functions/${String(props.name)}`;

/** The v2 Function resource for the desired props. */
export function functionBody(c: ApplyContext, source?: StorageSource): GcfFunction {
  const a = c.after;
  const trigger = a.trigger as Trigger | undefined;
  const fn = c.change.id.slice('function:'.length);
  return {
    name: fullName(c),
    labels: labelsFor(c.session, { [LABEL_FN]: fn, [LABEL_CODE]: String(a.codeSha256) }),
    buildConfig: { runtime: String(a.runtime), entryPoint: String(a.entryPoint), ...(source ? { source: { storageSource: source } } : {}) },
    serviceConfig: {
      availableMemory: String(a.memory),
      availableCpu: cpuForMemory(String(a.memory)),
      timeoutSeconds: Number(a.timeout),
      environmentVariables: a.env as Record<string, string>,
      secretEnvironmentVariables: a.secrets as NonNullable<GcfFunction['serviceConfig']>['secretEnvironmentVariables'],
      maxInstanceCount: Number(a.maxInstances),
      minInstanceCount: Number(a.minInstances),
      serviceAccountEmail: String(a.serviceAccount),
      ingressSettings: String(a.ingress),
      allTrafficOnLatestRevision: true,
    },
    ...(trigger
      ? {
          eventTrigger: {
            eventType: trigger.eventType,
            ...(trigger.pubsubTopic ? { pubsubTopic: trigger.pubsubTopic } : {}),
            ...(trigger.bucket ? { eventFilters: [{ attribute: 'bucket', value: trigger.bucket }] } : {}),
            retryPolicy: trigger.retryPolicy,
            serviceAccountEmail: trigger.serviceAccount,
          },
        }
      : {}),
  };
}

/** Wait for a long-running operation through the SDK's `promise()`: no fixed sleeps. */
export async function finished<T>(doing: string, op: Operation<T>): Promise<T> {
  try {
    const [result] = await op.promise();
    return result;
  } catch (err) {
    throw mapGcpError(err, doing);
  }
}

async function update(c: ApplyContext, paths?: string[]): Promise<void> {
  const codeChanged = paths ? true : changed(c, 'codeSha256');
  const mask = paths ?? Object.entries(MASK).flatMap(([prop, p]) => (changed(c, prop) ? p : []));
  if (mask.length === 0) return;
  const source = codeChanged ? await uploadSource(c) : undefined;
  const name = fullName(c);
  const [op] = await retryPropagation(c, `cloudfunctions.functions.patch ${name}`, () =>
    c.session.clients.functions.updateFunction({ function: functionBody(c, source), updateMask: { paths: [...new Set(mask)].sort() } }),
  );
  await finished(`cloudfunctions.functions.patch ${name}`, op);
}

async function create(c: ApplyContext): Promise<void> {
  const source = await uploadSource(c);
  const name = fullName(c);
  try {
    const [op] = await retryPropagation(c, `cloudfunctions.functions.create ${name}`, () =>
      c.session.clients.functions.createFunction({ parent: parents(c).location, functionId: String(c.after.name), function: functionBody(c, source) }),
    );
    await finished(`cloudfunctions.functions.create ${name}`, op);
  } catch (err) {
    if (errorKind((err as { cause?: unknown }).cause ?? err) !== 'conflict') throw err;
    // Created by an interrupted run (or still being created by it): bring it up to date if ours.
    const got = await getFunction(c.session, name);
    if (!isOurs(got?.labels, c.session)) throw notOurs('Cloud Function', String(c.after.name), 'Another service uses this function name: rename the function or the stage.');
    await update(c, Object.values(MASK).flat());
  }
}

async function remove(c: ApplyContext): Promise<void> {
  const name = fullName(c, c.before);
  await ignoreMissing(`cloudfunctions.functions.delete ${name}`, async () => {
    const [op] = await c.session.clients.functions.deleteFunction({ name });
    await op.promise();
  });
}

/** The Cloud Functions (2nd gen) function: source upload, build and service configuration, its one event trigger. */
export const functionApply: ResourceApply = { create, update: (c) => update(c), delete: remove };

export { codeLabel };
