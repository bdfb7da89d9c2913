import type { ObservedResource } from '../../src/core/resources.js';
import { call, callOrMissing, isAwsError } from './errors.js';
import { TAG_ID, TAG_SERVICE, TAG_STAGE, TYPES } from './naming.js';
import { takePrefetched, templatize, type Session } from './session.js';
import type { Tagged } from './observe.js';
import { partitionOf } from './regions.js';

/** Name of the one inline policy on every role sls-x creates. */
export const ROLE_POLICY_NAME = 'slsx';

/** Parse an IAM policy document as IAM returns it (URL-encoded JSON). */
export function parsePolicyDocument(doc: string | undefined): unknown {
  if (!doc) return undefined;
  const text = doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc);
  return JSON.parse(text);
}

/**
 * Every principal a trust policy lets assume the role, sorted: services by name (as desired
 * roles list them), anything else as `<kind>:<value>` (`AWS:arn:...`, `Federated:...`, `*`), so an
 * extra principal added outside sls-x shows up in the plan.
 */
export function trustedServices(doc: unknown): string[] {
  const statements = (doc as { Statement?: Array<{ Effect?: string; Principal?: string | Record<string, string | string[]> }> })?.Statement ?? [];
  const out: string[] = [];
  for (const s of statements) {
    if (s.Effect && s.Effect !== 'Allow') continue;
    if (typeof s.Principal === 'string') out.push(s.Principal);
    else for (const [kind, v] of Object.entries(s.Principal ?? {})) for (const one of [v].flat()) out.push(kind === 'Service' ? one : `${kind}:${one}`);
  }
  return [...new Set(out)].sort();
}

/** Roles under this stage's IAM path, kept only when their tags say they are ours. */
export async function observeRoles(session: Session): Promise<ObservedResource[]> {
  const iam = await import('@aws-sdk/client-iam');
  const client = session.clients.iam;
  const roleNames: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call('iam:ListRoles', () => client.send(new iam.ListRolesCommand({ PathPrefix: session.names.rolePath, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })));
    for (const r of res.Roles ?? []) if (r.RoleName) roleNames.push(r.RoleName);
    marker = res.IsTruncated ? res.Marker : undefined;
    if (!marker) break;
  }
  const roles = await Promise.all(
    roleNames.map(async (name): Promise<ObservedResource | undefined> => {
      const got = await callOrMissing(`iam:GetRole ${name}`, () => takePrefetched(session, `iam:GetRole ${name}`, () => client.send(new iam.GetRoleCommand({ RoleName: name }))));
      const role = got?.Role;
      if (!role) return undefined;
      const tags = Object.fromEntries((role.Tags ?? []).map((t) => [t.Key, t.Value]));
      if (tags[TAG_SERVICE] !== session.service || tags[TAG_STAGE] !== session.stage || !tags[TAG_ID]) return undefined;
      const policy = await callOrMissing(`iam:GetRolePolicy ${name}`, () => client.send(new iam.GetRolePolicyCommand({ RoleName: name, PolicyName: ROLE_POLICY_NAME })));
      // What else grants this role permissions: attached managed policies and other inline policies
      // (an AdministratorAccess attached by hand must show in the plan, not hide behind "unchanged").
      const attached = await callOrMissing(`iam:ListAttachedRolePolicies ${name}`, () => client.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: name, MaxItems: 1000 })));
      const inline = await callOrMissing(`iam:ListRolePolicies ${name}`, () => client.send(new iam.ListRolePoliciesCommand({ RoleName: name, MaxItems: 1000 })));
      // Deleted while being read (another deploy or remove of the stage): it does not exist.
      if (!attached || !inline) return undefined;
      return {
        id: tags[TAG_ID] as string,
        type: TYPES.role,
        security: true,
        props: {
          name: role.RoleName,
          path: role.Path,
          trust: trustedServices(parsePolicyDocument(role.AssumeRolePolicyDocument)),
          policy: templatizeDerived(parsePolicyDocument(policy?.PolicyDocument), session),
          managedPolicies: (attached.AttachedPolicies ?? []).map((p) => String(p.PolicyArn)).sort(),
          otherInlinePolicies: (inline.PolicyNames ?? []).filter((n) => n !== ROLE_POLICY_NAME).sort(),
        },
        physicalId: role.Arn,
      };
    }),
  );
  return roles.filter((r): r is ObservedResource => r !== undefined);
}

/**
 * The role policy with sls-x's derived statements put back into their placeholder form; the
 * statements written in faas.yaml (`Extra<n>`, the IAM escape hatch) are compared as written.
 */
function templatizeDerived(doc: unknown, session: Session): unknown {
  const d = doc as { Statement?: Array<{ Sid?: string }> } | undefined;
  if (!d || !Array.isArray(d.Statement)) return templatize(doc, session);
  return { ...templatize({ ...d, Statement: [] }, session), Statement: d.Statement.map((st) => (/^Extra\d+$/.test(st.Sid ?? '') ? st : templatize(st, session))) };
}

export async function observeLogGroups(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const wanted = new Map<string, string>();
  for (const t of tagged) {
    const name = t.arn.split(':log-group:')[1]?.replace(/:\*$/, '');
    if (name) wanted.set(name, t.id);
  }
  if (wanted.size === 0) return [];
  // One paginated listing under the names' common prefix (`/aws/lambda/shop-dev-`), not one call
  // per group: DescribeLogGroups allows 10 calls a second per account.
  const prefix = commonPrefix([...wanted.keys()]);
  const groups = new Map<string, number | undefined>();
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await call(`logs:DescribeLogGroups ${prefix}`, () => session.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, limit: 50, ...(token ? { nextToken: token } : {}) })));
    for (const g of res.logGroups ?? []) if (g.logGroupName && wanted.has(g.logGroupName)) groups.set(g.logGroupName, g.retentionInDays);
    token = res.nextToken || undefined;
    if (!token || groups.size === wanted.size) break;
  }
  return [...groups].map(([name, retentionDays]) => ({ id: wanted.get(name)!, type: TYPES.logGroup, props: { name, retentionDays }, physicalId: name }));
}

/** The longest prefix all `names` share. */
export function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

export async function observeQueues(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const sqs = await import('@aws-sdk/client-sqs');
  const found = await Promise.all(
    tagged.map(async (t): Promise<ObservedResource | undefined> => {
      const name = t.arn.split(':')[5];
      const url = await callOrMissing(`sqs:GetQueueUrl ${name}`, () => session.clients.sqs.send(new sqs.GetQueueUrlCommand({ QueueName: name })));
      if (!url?.QueueUrl) return undefined;
      const attrs = await callOrMissing(`sqs:GetQueueAttributes ${name}`, () =>
        session.clients.sqs.send(new sqs.GetQueueAttributesCommand({ QueueUrl: url.QueueUrl, AttributeNames: ['All'] })),
      );
      if (!attrs) return undefined;
      const a = attrs.Attributes ?? {};
      const redrive = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string }) : undefined;
      const base = t.id.endsWith(':dlq') ? undefined : `${t.id}:dlq`;
      return {
        id: t.id,
        type: TYPES.queue,
        props: {
          name,
          visibilityTimeout: Number(a.VisibilityTimeout),
          retention: Number(a.MessageRetentionPeriod),
          redrive: redrive ? { deadLetterTarget: templatize(redrive.deadLetterTargetArn, session), maxReceiveCount: Number(redrive.maxReceiveCount) } : undefined,
        },
        physicalId: url.QueueUrl,
        dependsOn: redrive && base ? [base] : [],
      };
    }),
  );
  return found.filter((r): r is ObservedResource => r !== undefined);
}

/** The stage's schedule group and its schedules (schedules carry their logical id in Description). */
export async function observeSchedules(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const scheduler = await import('@aws-sdk/client-scheduler');
  const client = session.clients.scheduler;
  const group = tagged.find((t) => t.id === 'schedule-group');
  if (!group) return [];
  const groupName = group.arn.split('schedule-group/')[1];
  const out: ObservedResource[] = [{ id: 'schedule-group', type: TYPES.scheduleGroup, props: { name: groupName }, physicalId: groupName }];
  let token: string | undefined;
  const scheduleNames: string[] = [];
  for (let page = 0; page < 100; page++) {
    const res = await callOrMissing(`scheduler:ListSchedules ${groupName}`, () => client.send(new scheduler.ListSchedulesCommand({ GroupName: groupName, ...(token ? { NextToken: token } : {}) })));
    if (!res) return [];
    for (const s of res.Schedules ?? []) if (s.Name) scheduleNames.push(s.Name);
    token = res.NextToken || undefined;
    if (!token) break;
  }
  const schedules = await Promise.all(
    scheduleNames.map(async (name): Promise<ObservedResource | undefined> => {
      const s = await callOrMissing(`scheduler:GetSchedule ${name}`, () => client.send(new scheduler.GetScheduleCommand({ GroupName: groupName, Name: name })));
      if (!s?.Description?.startsWith('schedule:')) return undefined;
      const fn = s.Description.split(':')[1];
      return {
        id: s.Description,
        type: TYPES.schedule,
        props: {
          name,
          group: groupName,
          expression: s.ScheduleExpression,
          timezone: s.ScheduleExpressionTimezone ?? 'UTC',
          state: s.State,
          target: templatize(s.Target?.Arn, session),
          role: templatize(s.Target?.RoleArn, session),
          input: s.Target?.Input,
        },
        physicalId: name,
        dependsOn: ['schedule-group', 'role:scheduler', `function:${fn}`],
      };
    }),
  );
  return [...out, ...schedules.filter((r): r is ObservedResource => r !== undefined)];
}

/**
 * Buckets sls-x created (tagged) and the notifications it added: in those buckets and in the
 * existing buckets its functions grant S3 permission to (found through those permissions).
 */
export async function observeBuckets(session: Session, tagged: Tagged[], functions: ObservedResource[]): Promise<ObservedResource[]> {
  const s3 = await import('@aws-sdk/client-s3');
  const out: ObservedResource[] = [];
  const bucketNames = new Set<string>();
  for (const t of tagged) {
    const name = t.arn.split(':::')[1];
    if (!name || name.includes('/')) continue;
    out.push({ id: t.id, type: TYPES.bucket, props: { name }, physicalId: name });
    bucketNames.add(name);
  }
  const permissionsByBucket = new Map<string, string[]>();
  for (const p of functions) {
    const source = p.type === TYPES.permission ? String(p.props.sourceArn ?? '') : '';
    // Observed ARNs carry the partition placeholder (templatize); any partition is accepted.
    const s3Source = /^arn:(?:\$\{AWS::Partition\}|[a-z-]+):s3:::(.+)$/.exec(source);
    if (!s3Source) continue;
    const bucket = s3Source[1]!;
    bucketNames.add(bucket);
    permissionsByBucket.set(bucket, [...(permissionsByBucket.get(bucket) ?? []), p.id]);
  }
  for (const bucket of bucketNames) {
    let res;
    try {
      res = await session.clients.s3.send(new s3.GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    } catch (err) {
      // A bucket deleted by hand, or one we may no longer read: nothing of ours to observe there.
      if (isAwsError(err, 'NoSuchBucket', 'AccessDenied')) continue;
      return call(`s3:GetBucketNotificationConfiguration ${bucket}`, () => Promise.reject(err));
    }
    const ours = (res.LambdaFunctionConfigurations ?? []).filter((c) => c.Id?.startsWith(session.names.notificationPrefix));
    if (ours.length === 0) continue;
    const configs = ours
      .map((c) => {
        const rule = (n: string): string | undefined => c.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === n)?.Value;
        return { id: c.Id, function: templatize(c.LambdaFunctionArn, session), events: [...(c.Events ?? [])].sort(), prefix: rule('prefix'), suffix: rule('suffix') };
      })
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const bucketId = tagged.find((t) => t.arn === `arn:${partitionOf(session.region)}:s3:::${bucket}`)?.id;
    out.push({
      id: `notification:${bucket}`,
      type: TYPES.notification,
      props: { bucket, configs },
      physicalId: bucket,
      dependsOn: [...(bucketId ? [bucketId] : []), ...(permissionsByBucket.get(bucket) ?? [])],
    });
  }
  return out;
}
