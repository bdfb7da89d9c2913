import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, callOrMissing, httpStatus, isNotFound, mapAwsError } from './errors.js';
import { dynamoClient } from './observe-tables.js';
import { TAG_SERVICE, TAG_STAGE } from './naming.js';
import { bucketPhysicalName } from './policy.js';
import { isKnownRegion } from './regions.js';
import { openSession, prefetch, type Session } from './session.js';

/** The region: config first, then AWS_REGION / AWS_DEFAULT_REGION. Unknown regions are refused. */
export function resolveRegion(service: Service, env: NodeJS.ProcessEnv): string {
  const fromConfig = service.targets.aws?.region;
  const region = fromConfig ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new SlsxError('USAGE', 'No AWS region: neither `targets.aws.region` in the config nor AWS_REGION is set.', {
      hint: 'Add `targets: { aws: { region: eu-west-1 } }` to faas.yaml, or export AWS_REGION.',
    });
  }
  if (!isKnownRegion(region)) {
    const where = fromConfig ? 'targets.aws.region in the config' : 'AWS_REGION';
    throw new SlsxError('CONFIG_INVALID', `Unknown AWS region '${region}' (from ${where}).`, {
      hint: 'Use a region code such as us-east-1 or eu-west-1.',
      diagnostics: fromConfig ? [{ severity: 'error', code: 'unknown-region', message: `Unknown AWS region '${region}'.`, path: 'targets.aws.region', file: service.configFile, target: 'aws' }] : [],
    });
  }
  return region;
}

/** Who we deploy as (STS) and where; opens the session the other adapter calls reuse. */
export async function awsScope(service: Service, ctx: AdapterContext): Promise<Scope> {
  const region = resolveRegion(service, ctx.env);
  const base: Scope = { target: 'aws', service: service.service, stage: service.stage, region };
  const profile = service.targets.aws?.profile;
  const session = await openSession(ctx, { ...base, region }, undefined, typeof profile === 'string' ? profile : undefined);
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const identity = await call('sts:GetCallerIdentity', () => session.clients.sts.send(new GetCallerIdentityCommand({})));
  const account = identity.Account as string;
  session.account = account;
  const pinned = service.targets.aws?.account;
  if (pinned && String(pinned) !== account) {
    throw new SlsxError('CREDENTIALS', `The config pins AWS account ${String(pinned)}, but the credentials in use are for account ${account}.`, {
      hint: 'Switch profile (AWS_PROFILE) to the pinned account, or change targets.aws.account.',
    });
  }
  await preflight(service, session);
  return { ...base, account };
}

function ours(tags: Record<string, string | undefined> | undefined, session: Session): boolean {
  return tags?.[TAG_SERVICE] === session.service && tags?.[TAG_STAGE] === session.stage;
}

/**
 * Plan-time refusals that need a look at the account (read-only): a role, function or table name
 * taken by something else, a bucket owned by another account or missing. All at once.
 */
export async function preflight(service: Service, session: Session): Promise<void> {
  const [iam, lambda, s3] = await Promise.all([import('@aws-sdk/client-iam'), import('@aws-sdk/client-lambda'), import('@aws-sdk/client-s3')]);
  const { clients, names } = session;
  const problems: Diagnostic[] = [];
  const conflict = (code: string, message: string, hint: string, path?: string): void =>
    void problems.push({ severity: 'error', code, message, hint, path, file: service.configFile, target: 'aws' });
  const checks: Array<Promise<void>> = [];
  const roleNames = service.functions.map((f) => names.roleName(f.name));
  if (service.functions.some((f) => f.events.some((e) => e.kind === 'schedule'))) roleNames.push(names.schedulerRoleName);
  for (const role of roleNames) {
    checks.push(
      (async () => {
        try {
          const got = await prefetch(session, `iam:GetRole ${role}`, () => clients.iam.send(new iam.GetRoleCommand({ RoleName: role })));
          const tags = Object.fromEntries((got.Role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value]));
          if (!ours(tags, session)) conflict('role-name-taken', `The IAM role name '${role}' is taken by something that is not ${service.service}/${service.stage}.`, 'Rename the function or the stage, or delete that role.');
        } catch (err) {
          if (!isNotFound(err)) throw mapAwsError(err, `iam:GetRole ${role}`);
        }
      })(),
    );
  }
  for (const fn of service.functions) {
    const name = names.functionName(fn.name);
    checks.push(
      (async () => {
        try {
          const got = await prefetch(session, `lambda:GetFunction ${name}`, () => clients.lambda.send(new lambda.GetFunctionCommand({ FunctionName: name })));
          if (!ours(got.Tags, session)) conflict('function-name-taken', `The Lambda function name '${name}' is taken by something that is not ${service.service}/${service.stage}.`, 'Rename the function or the stage.', `functions.${fn.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw mapAwsError(err, `lambda:GetFunction ${name}`);
        }
      })(),
    );
  }
  for (const b of service.buckets) {
    const bucket = bucketPhysicalName(service, names, b.name);
    checks.push(
      (async () => {
        try {
          await clients.s3.send(new s3.HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: session.account }));
          if (b.existing) return;
          const tagging = await clients.s3.send(new s3.GetBucketTaggingCommand({ Bucket: bucket })).catch(() => undefined);
          const tags = Object.fromEntries((tagging?.TagSet ?? []).map((t) => [t.Key ?? '', t.Value]));
          // No tags at all under our hashed name: a deploy died between CreateBucket and tagging it; apply adopts it.
          if (Object.keys(tags).length > 0 && !ours(tags, session)) conflict('bucket-not-ours', `The bucket '${bucket}' exists in this account but is not ${service.service}/${service.stage}'s.`, `Name it as existing (buckets.${b.name}.existing: ${bucket}) to use it, or delete it.`, `buckets.${b.name}`);
        } catch (err) {
          const status = httpStatus(err);
          if (status === 403) {
            conflict('bucket-owned-elsewhere', `The bucket '${bucket}' belongs to another AWS account (or denies this one).`, b.existing ? 'Name a bucket this account owns.' : 'Bucket names are global: pick another bucket key or stage.', `buckets.${b.name}`);
          } else if (status === 404 || isNotFound(err)) {
            if (b.existing) conflict('bucket-missing', `The existing bucket '${bucket}' does not exist.`, 'Create it first, or drop `existing:` so sls-x creates one.', `buckets.${b.name}.existing`);
          } else {
            throw mapAwsError(err, `s3:HeadBucket ${bucket}`);
          }
        }
      })(),
    );
  }
  if (service.tables?.length) {
    const dynamo = await import('@aws-sdk/client-dynamodb');
    const client = dynamoClient(session);
    for (const t of service.tables) {
      const table = names.tableName(t.name);
      checks.push(
        (async () => {
          const got = await callOrMissing(`dynamodb:DescribeTable ${table}`, () => prefetch(session, `dynamodb:DescribeTable ${table}`, () => client.send(new dynamo.DescribeTableCommand({ TableName: table }))));
          if (!got?.Table?.TableArn) return;
          const tags = await callOrMissing(`dynamodb:ListTagsOfResource ${table}`, () => client.send(new dynamo.ListTagsOfResourceCommand({ ResourceArn: got.Table!.TableArn })));
          const map = Object.fromEntries((tags?.Tags ?? []).map((x) => [x.Key ?? '', x.Value]));
          if (tags && !ours(map, session)) conflict('table-name-taken', `The DynamoDB table name '${table}' is taken by a table that is not ${service.service}/${service.stage}'s.`, 'Rename the table in faas.yaml or the stage, or delete that table.', `tables.${t.name}`);
        })(),
      );
    }
  }
  await Promise.all(checks);
  if (problems.length > 0) {
    throw new SlsxError('RESOURCE_CONFLICT', `Cannot deploy ${service.service}/${service.stage} to AWS: ${problems.length} name(s) belong to something else.`, {
      diagnostics: problems,
      hint: problems[0].hint,
    });
  }
}
