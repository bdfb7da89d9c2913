import type { ObservedResource, Props } from '../../src/core/resources.js';
import { call, callOrMissing } from './errors.js';
import { STATEMENT_PREFIX, TYPES } from './naming.js';
import { takePrefetched, templatize, type Session } from './session.js';
import { versionHash } from './desired.js';
import type { Tagged } from './observe.js';

type FunctionConfig = {
  FunctionName?: string;
  Runtime?: string;
  Architectures?: string[];
  Handler?: string;
  MemorySize?: number;
  Timeout?: number;
  EphemeralStorage?: { Size?: number };
  Environment?: { Variables?: Record<string, string> };
  Role?: string;
  LoggingConfig?: { LogGroup?: string };
  CodeSha256?: string;
};

/** Function props in the desired shape. */
export function functionProps(session: Session, c: FunctionConfig, reserved: number | undefined): Props {
  return {
    name: c.FunctionName,
    runtime: c.Runtime,
    architecture: c.Architectures?.[0] ?? 'x86_64',
    handler: c.Handler,
    memory: c.MemorySize,
    timeout: c.Timeout,
    ephemeralStorage: c.EphemeralStorage?.Size ?? 512,
    env: c.Environment?.Variables ?? {},
    role: templatize(c.Role, session),
    logGroup: c.LoggingConfig?.LogGroup ?? `/aws/lambda/${c.FunctionName}`,
    codeSha256: c.CodeSha256,
    reservedConcurrency: reserved,
  };
}

/** The logical function name behind a function tag id (`function:api` -> `api`). */
function logical(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

/** Functions, their aliases, permissions and event source mappings. */
export async function observeFunctions(session: Session, tagged: Tagged[], queueIds: Map<string, string>): Promise<ObservedResource[]> {
  const lambda = await import('@aws-sdk/client-lambda');
  const client = session.clients.lambda;
  const fns = tagged.filter((t) => t.id.startsWith('function:') && t.arn.split(':')[5] === 'function');
  const results = await Promise.all(
    fns.map(async (t): Promise<ObservedResource[]> => {
      const name = t.arn.split(':')[6];
      const fn = logical(t.id);
      const got = await callOrMissing(`lambda:GetFunction ${name}`, () => takePrefetched(session, `lambda:GetFunction ${name}`, () => client.send(new lambda.GetFunctionCommand({ FunctionName: name }))));
      if (!got?.Configuration) return [];
      const concurrency = await call(`lambda:GetFunctionConcurrency ${name}`, () => client.send(new lambda.GetFunctionConcurrencyCommand({ FunctionName: name })));
      const props = functionProps(session, got.Configuration, concurrency.ReservedConcurrentExecutions);
      const out: ObservedResource[] = [
        { id: t.id, type: TYPES.function, props, physicalId: got.Configuration.FunctionArn, dependsOn: [`role:${fn}`, `logs:${fn}`] },
      ];
      const alias = await callOrMissing(`lambda:GetAlias ${name}:${session.names.alias}`, () =>
        client.send(new lambda.GetAliasCommand({ FunctionName: name, Name: session.names.alias })),
      );
      if (alias?.FunctionVersion) {
        const version = await call(`lambda:GetFunctionConfiguration ${name}:${alias.FunctionVersion}`, () =>
          client.send(new lambda.GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: alias.FunctionVersion })),
        );
        const pc = await callOrMissing(`lambda:GetProvisionedConcurrencyConfig ${name}`, () =>
          client.send(new lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: session.names.alias })),
        );
        out.push({
          id: `alias:${fn}`,
          type: TYPES.alias,
          props: { function: name, name: session.names.alias, version: versionHash(functionProps(session, version, undefined)), provisioned: pc?.RequestedProvisionedConcurrentExecutions ?? 0 },
          physicalId: alias.AliasArn,
          dependsOn: [`function:${fn}`],
        });
      }
      const qualifiers = alias ? [undefined, session.names.alias] : [undefined];
      for (const qualifier of qualifiers) {
        out.push(...(await observePermissions(session, name, fn, qualifier)));
        out.push(...(await observeMappings(session, name, fn, qualifier, queueIds)));
      }
      return out;
    }),
  );
  return results.flat();
}

interface PolicyStatement {
  Sid?: string;
  Principal?: { Service?: string } | string;
  Condition?: { ArnLike?: Record<string, string>; StringEquals?: Record<string, string> };
}

async function observePermissions(session: Session, name: string, fn: string, qualifier: string | undefined): Promise<ObservedResource[]> {
  const { GetPolicyCommand } = await import('@aws-sdk/client-lambda');
  const res = await callOrMissing(`lambda:GetPolicy ${name}`, () => session.clients.lambda.send(new GetPolicyCommand({ FunctionName: name, Qualifier: qualifier })));
  if (!res?.Policy) return [];
  const statements = (JSON.parse(res.Policy) as { Statement?: PolicyStatement[] }).Statement ?? [];
  return statements
    .filter((s) => s.Sid?.startsWith(STATEMENT_PREFIX))
    .map((s) => {
      const suffix = (s.Sid as string).slice(STATEMENT_PREFIX.length);
      const sourceArn = s.Condition?.ArnLike?.['AWS:SourceArn'];
      const sourceAccount = s.Condition?.StringEquals?.['AWS:SourceAccount'];
      const deps = [`function:${fn}`, ...(qualifier ? [`alias:${fn}`] : [])];
      if (suffix === 'api') deps.push('api');
      return {
        id: `permission:${fn}:${suffix}`,
        type: TYPES.permission,
        security: true,
        props: {
          function: name,
          qualifier,
          statementId: s.Sid,
          principal: typeof s.Principal === 'string' ? s.Principal : s.Principal?.Service,
          sourceArn: templatize(sourceArn, session),
          sourceAccount: sourceAccount === session.account ? '${AWS::AccountId}' : sourceAccount,
        },
        physicalId: s.Sid,
        dependsOn: deps,
      };
    });
}

async function observeMappings(session: Session, name: string, fn: string, qualifier: string | undefined, queueIds: Map<string, string>): Promise<ObservedResource[]> {
  const { ListEventSourceMappingsCommand } = await import('@aws-sdk/client-lambda');
  const out: ObservedResource[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call(`lambda:ListEventSourceMappings ${name}`, () =>
      session.clients.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: qualifier ? `${name}:${qualifier}` : name, ...(marker ? { Marker: marker } : {}) })),
    );
    for (const m of res.EventSourceMappings ?? []) {
      if (!m.EventSourceArn?.includes(':sqs:') || m.State === 'Deleting') continue;
      // Only mappings of this exact qualifier: the unqualified listing may include alias ones.
      const fnArnParts = (m.FunctionArn ?? '').split(':');
      if ((fnArnParts[7] ?? undefined) !== qualifier) continue;
      const queueName = m.EventSourceArn.split(':')[5];
      const queueId = queueIds.get(queueName) ?? `queue:${queueName.startsWith(`${session.names.prefix}-`) ? queueName.slice(session.names.prefix.length + 1) : queueName}`;
      const queue = queueId.slice('queue:'.length);
      out.push({
        id: `mapping:${fn}:${queue}`,
        type: TYPES.mapping,
        props: {
          function: templatize(m.FunctionArn, session),
          queue: templatize(m.EventSourceArn, session),
          batchSize: m.BatchSize,
          batchWindow: m.MaximumBatchingWindowInSeconds ?? 0,
          reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          enabled: !['Disabled', 'Disabling'].includes(m.State ?? ''),
        },
        physicalId: m.UUID,
        dependsOn: [`function:${fn}`, ...(qualifier ? [`alias:${fn}`] : []), queueId, `role:${fn}`],
      });
    }
    marker = res.NextMarker || undefined;
    if (!marker) break;
  }
  return out;
}
