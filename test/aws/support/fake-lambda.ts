import { awsError } from './fake-errors.js';
import { ACCOUNT, FakeAws, REGION, type Handler } from './fake-aws.js';

const CONFIG_KEYS = ['Runtime', 'Role', 'Handler', 'MemorySize', 'Timeout', 'EphemeralStorage', 'Environment'] as const;

/** Lambda: functions, versions, aliases, concurrency, resource policies, event source mappings, invoke. */
export function lambdaHandlers(aws: FakeAws): Record<string, Handler> {
  const arn = (name: string, q?: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${q ? `:${q}` : ''}`;
  const split = (fn: string, qualifier?: string): [string, string | undefined] => {
    const parts = fn.split(':');
    const name = fn.startsWith('arn:') ? parts[6] : parts[0];
    const q = qualifier ?? (fn.startsWith('arn:') ? parts[7] : parts[1]);
    return [name, q];
  };
  const get = (fn: string) => {
    const f = aws.functions.get(split(fn)[0]);
    if (!f) throw awsError('ResourceNotFoundException', `Function not found: ${arn(fn)}`, 404);
    return f;
  };
  const view = (f: any) => ({ ...f.config, State: 'Active', LastUpdateStatus: 'Successful' });
  // Code comes inline or from an S3 object (big zips are staged).
  const code = (c: any): Uint8Array => c.ZipFile ?? aws.buckets.get(c.S3Bucket)?.objects.get(c.S3Key)?.raw ?? Buffer.alloc(0);
  const statementsOf = (f: any, q?: string): any[] => (q ? (f.aliases.get(q)?.statements ?? []) : f.statements);
  return {
    CreateFunction: (i) => {
      if (aws.functions.has(i.FunctionName)) throw awsError('ResourceConflictException', `Function already exist: ${i.FunctionName}`, 409);
      const roleName = String(i.Role).split('/').pop() as string;
      if (!aws.roles.has(roleName) || aws.rolePropagationDelay > 0) {
        aws.rolePropagationDelay = Math.max(0, aws.rolePropagationDelay - 1);
        throw awsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
      }
      const config = {
        FunctionName: i.FunctionName,
        FunctionArn: arn(i.FunctionName),
        Runtime: i.Runtime,
        Role: i.Role,
        Handler: i.Handler,
        MemorySize: i.MemorySize ?? 128,
        Timeout: i.Timeout ?? 3,
        EphemeralStorage: i.EphemeralStorage ?? { Size: 512 },
        Environment: { Variables: i.Environment?.Variables ?? {} },
        Architectures: i.Architectures ?? ['x86_64'],
        CodeSha256: FakeAws.sha(code(i.Code)),
        LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${i.FunctionName}` },
        Version: '$LATEST',
      };
      aws.functions.set(i.FunctionName, { config, tags: i.Tags ?? {}, reserved: undefined, statements: [], aliases: new Map(), versions: [] });
      aws.tagResource(arn(i.FunctionName), i.Tags);
      return view(aws.functions.get(i.FunctionName));
    },
    GetFunction: (i) => {
      const f = get(i.FunctionName);
      return { Configuration: view(f), Tags: f.tags };
    },
    GetFunctionConfiguration: (i) => {
      const f = get(i.FunctionName);
      const q = i.Qualifier;
      if (!q || q === '$LATEST') return view(f);
      const v = f.versions.find((x: any) => x.Version === q && !x.deleted);
      if (!v) throw awsError('ResourceNotFoundException', 'version not found', 404);
      return v;
    },
    GetFunctionConcurrency: (i) => ({ ReservedConcurrentExecutions: get(i.FunctionName).reserved }),
    PutFunctionConcurrency: (i) => void (get(i.FunctionName).reserved = i.ReservedConcurrentExecutions),
    DeleteFunctionConcurrency: (i) => void (get(i.FunctionName).reserved = undefined),
    UpdateFunctionCode: (i) => {
      const f = get(i.FunctionName);
      f.config.CodeSha256 = FakeAws.sha(code(i));
      if (i.Architectures) f.config.Architectures = i.Architectures;
      return view(f);
    },
    UpdateFunctionConfiguration: (i) => {
      const f = get(i.FunctionName);
      for (const k of CONFIG_KEYS) if (i[k] !== undefined) f.config[k] = i[k];
      return view(f);
    },
    DeleteFunction: (i) => {
      const f = get(i.FunctionName);
      const [, q] = split(i.FunctionName, i.Qualifier);
      if (q && q !== '$LATEST') {
        // One version: refused while an alias points to it, as Lambda does.
        const v = f.versions.find((x: any) => x.Version === q && !x.deleted);
        if (!v) throw awsError('ResourceNotFoundException', `Function not found: ${arn(i.FunctionName, q)}`, 404);
        if ([...f.aliases.values()].some((a: any) => a.version === q)) throw awsError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [...]`, 409);
        v.deleted = true;
        return;
      }
      aws.functions.delete(i.FunctionName);
      aws.tags.delete(arn(i.FunctionName));
      for (const [uuid, m] of aws.mappings) if (m.FunctionArn.startsWith(arn(i.FunctionName))) aws.mappings.delete(uuid);
    },
    PublishVersion: (i) => {
      const f = get(i.FunctionName);
      const last = f.versions[f.versions.length - 1];
      const snapshot = JSON.stringify(CONFIG_KEYS.map((k) => f.config[k])) + f.config.CodeSha256;
      if (last && !last.deleted && last.snapshot === snapshot) return last;
      const v = { ...view(f), Version: String(f.versions.length + 1), FunctionArn: arn(i.FunctionName, String(f.versions.length + 1)), snapshot };
      f.versions.push(v);
      return v;
    },
    ListVersionsByFunction: (i) => {
      const f = get(i.FunctionName);
      return { Versions: [{ ...view(f), Version: '$LATEST' }, ...f.versions.filter((v: any) => !v.deleted).map(({ snapshot: _s, deleted: _d, ...v }: any) => v)] };
    },
    ListAliases: (i) => ({
      Aliases: [...get(i.FunctionName).aliases.entries()].map(([Name, a]: [string, any]) => ({ Name, FunctionVersion: a.version, AliasArn: arn(i.FunctionName, Name) })),
    }),
    GetAlias: (i) => {
      const a = get(i.FunctionName).aliases.get(i.Name);
      if (!a) throw awsError('ResourceNotFoundException', 'Alias not found', 404);
      return { Name: i.Name, FunctionVersion: a.version, AliasArn: arn(i.FunctionName, i.Name) };
    },
    CreateAlias: (i) => void get(i.FunctionName).aliases.set(i.Name, { version: i.FunctionVersion, statements: [], provisioned: undefined }),
    UpdateAlias: (i) => void (get(i.FunctionName).aliases.get(i.Name).version = i.FunctionVersion),
    DeleteAlias: (i) => void get(i.FunctionName).aliases.delete(i.Name),
    GetProvisionedConcurrencyConfig: (i) => {
      const p = get(i.FunctionName).aliases.get(i.Qualifier)?.provisioned;
      if (p === undefined) throw awsError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found', 404);
      return { RequestedProvisionedConcurrentExecutions: p, Status: 'READY' };
    },
    PutProvisionedConcurrencyConfig: (i) => void (get(i.FunctionName).aliases.get(i.Qualifier).provisioned = i.ProvisionedConcurrentExecutions),
    DeleteProvisionedConcurrencyConfig: (i) => {
      const a = get(i.FunctionName).aliases.get(i.Qualifier);
      if (!a || a.provisioned === undefined) throw awsError('ResourceNotFoundException', 'not found', 404);
      a.provisioned = undefined;
    },
    GetPolicy: (i) => {
      const f = get(i.FunctionName);
      const statements = statementsOf(f, i.Qualifier);
      if (statements.length === 0) throw awsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
      return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }) };
    },
    AddPermission: (i) => {
      const f = get(i.FunctionName);
      const statements = statementsOf(f, i.Qualifier);
      if (statements.some((s) => s.Sid === i.StatementId)) throw awsError('ResourceConflictException', `The statement id (${i.StatementId}) provided already exists.`, 409);
      const condition: any = {};
      if (i.SourceArn) condition.ArnLike = { 'AWS:SourceArn': i.SourceArn };
      if (i.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': i.SourceAccount };
      statements.push({ Sid: i.StatementId, Effect: 'Allow', Principal: { Service: i.Principal }, Action: i.Action, Resource: arn(i.FunctionName, i.Qualifier), Condition: condition });
    },
    RemovePermission: (i) => {
      const statements = statementsOf(get(i.FunctionName), i.Qualifier);
      const at = statements.findIndex((s) => s.Sid === i.StatementId);
      if (at < 0) throw awsError('ResourceNotFoundException', 'No policy is associated with the given resource.', 404);
      statements.splice(at, 1);
    },
    ListEventSourceMappings: (i) => {
      const [name, q] = split(i.FunctionName);
      return { EventSourceMappings: [...aws.mappings.values()].filter((m) => (q ? m.FunctionArn === arn(name, q) : m.FunctionArn.startsWith(arn(name)))) };
    },
    CreateEventSourceMapping: (i) => {
      const [name, q] = split(i.FunctionName);
      get(name);
      const fnArn = arn(name, q);
      const dup = [...aws.mappings.values()].find((m) => m.FunctionArn === fnArn && m.EventSourceArn === i.EventSourceArn);
      if (dup) throw awsError('ResourceConflictException', `An event source mapping with SQS arn (" ${i.EventSourceArn} ") and function (" ${name} ") already exists. Please update or delete the existing mapping with UUID ${dup.UUID}`, 409);
      const uuid = FakeAws.uuid();
      const m = {
        UUID: uuid,
        FunctionArn: fnArn,
        EventSourceArn: i.EventSourceArn,
        BatchSize: i.BatchSize,
        MaximumBatchingWindowInSeconds: i.MaximumBatchingWindowInSeconds,
        FunctionResponseTypes: i.FunctionResponseTypes,
        State: i.Enabled === false ? 'Disabled' : 'Enabled',
      };
      aws.mappings.set(uuid, m);
      aws.tagResource(`arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${uuid}`, i.Tags);
      return m;
    },
    UpdateEventSourceMapping: (i) => {
      const m = aws.mappings.get(i.UUID);
      if (!m) throw awsError('ResourceNotFoundException', 'mapping not found', 404);
      Object.assign(m, { BatchSize: i.BatchSize, MaximumBatchingWindowInSeconds: i.MaximumBatchingWindowInSeconds, FunctionResponseTypes: i.FunctionResponseTypes, State: i.Enabled === false ? 'Disabled' : 'Enabled' });
      return m;
    },
    DeleteEventSourceMapping: (i) => {
      if (!aws.mappings.delete(i.UUID)) throw awsError('ResourceNotFoundException', 'mapping not found', 404);
      aws.tags.delete(`arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${i.UUID}`);
    },
    Invoke: (i) => {
      const [name] = split(i.FunctionName);
      get(name);
      const r = aws.invokeResults.get(name) ?? { payload: null, logTail: '' };
      return {
        StatusCode: 200,
        Payload: Buffer.from(JSON.stringify(r.payload)),
        LogResult: Buffer.from(r.logTail).toString('base64'),
        ...(r.functionError ? { FunctionError: r.functionError } : {}),
      };
    },
  };
}
