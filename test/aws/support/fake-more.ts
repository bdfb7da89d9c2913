import { createHash } from 'node:crypto';
import { awsError } from './fake-errors.js';
import { ACCOUNT, REGION, type FakeAws, type Handler } from './fake-aws.js';

let counter = 0;
const nextId = (prefix: string): string => `${prefix}${(++counter).toString(36).padStart(6, '0')}`;

/** API Gateway v2: APIs, stages, integrations, routes. */
export function apigwHandlers(aws: FakeAws): Record<string, Handler> {
  const apiArn = (id: string) => `arn:aws:apigateway:${REGION}::/apis/${id}`;
  const get = (id: string) => {
    const api = aws.apis.get(id);
    if (!api) throw awsError('NotFoundException', `Invalid API identifier specified ${id}`, 404);
    return api;
  };
  const view = (id: string) => {
    const a = get(id);
    return { ApiId: id, Name: a.Name, ProtocolType: a.ProtocolType, CorsConfiguration: a.CorsConfiguration, Tags: a.Tags, ApiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com` };
  };
  return {
    CreateApi: (i) => {
      const id = nextId('api');
      aws.apis.set(id, { Name: i.Name, ProtocolType: i.ProtocolType, CorsConfiguration: i.CorsConfiguration, Tags: i.Tags ?? {}, stages: new Map(), integrations: new Map(), routes: new Map(), authorizers: new Map() });
      aws.tagResource(apiArn(id), i.Tags);
      return view(id);
    },
    GetApi: (i) => view(i.ApiId),
    GetApis: () => ({ Items: [...aws.apis.keys()].map(view) }),
    UpdateApi: (i) => {
      const a = get(i.ApiId);
      if (i.Name) a.Name = i.Name;
      // The new CorsConfiguration's fields replace the old ones (what it does not name stays).
      if (i.CorsConfiguration) a.CorsConfiguration = { ...(a.CorsConfiguration ?? {}), ...Object.fromEntries(Object.entries(i.CorsConfiguration).filter(([, v]) => v !== undefined)) };
      return view(i.ApiId);
    },
    DeleteCorsConfiguration: (i) => void (get(i.ApiId).CorsConfiguration = undefined),
    DeleteApi: (i) => {
      get(i.ApiId);
      aws.apis.delete(i.ApiId);
      for (const key of [...aws.tags.keys()]) if (key.startsWith(apiArn(i.ApiId))) aws.tags.delete(key);
    },
    CreateStage: (i) => {
      const a = get(i.ApiId);
      if (a.stages.has(i.StageName)) throw awsError('ConflictException', `Stage already exists`, 409);
      a.stages.set(i.StageName, { StageName: i.StageName, AutoDeploy: i.AutoDeploy });
      aws.tagResource(`${apiArn(i.ApiId)}/stages/${i.StageName}`, i.Tags);
    },
    GetStages: (i) => ({ Items: [...get(i.ApiId).stages.values()] }),
    CreateIntegration: (i) => {
      const id = nextId('int');
      const { ApiId: _a, ...rest } = i;
      get(i.ApiId).integrations.set(id, { ...rest, IntegrationId: id });
      return { IntegrationId: id };
    },
    GetIntegrations: (i) => ({ Items: [...get(i.ApiId).integrations.values()] }),
    UpdateIntegration: (i) => {
      const it = get(i.ApiId).integrations.get(i.IntegrationId);
      if (!it) throw awsError('NotFoundException', 'Invalid Integration identifier specified', 404);
      const { ApiId: _a, ...rest } = i;
      Object.assign(it, rest);
    },
    DeleteIntegration: (i) => {
      const a = get(i.ApiId);
      if ([...a.routes.values()].some((r: any) => r.Target === `integrations/${i.IntegrationId}`)) throw awsError('ConflictException', 'Cannot delete an integration that routes use', 409);
      if (!a.integrations.delete(i.IntegrationId)) throw awsError('NotFoundException', 'Invalid Integration identifier specified', 404);
    },
    CreateRoute: (i) => {
      const a = get(i.ApiId);
      if ([...a.routes.values()].some((r: any) => r.RouteKey === i.RouteKey)) throw awsError('ConflictException', 'Route with that key already exists', 409);
      if (i.AuthorizationType === 'JWT' && !a.authorizers.has(i.AuthorizerId)) throw awsError('NotFoundException', 'Invalid authorizer identifier specified', 404);
      const id = nextId('rt');
      a.routes.set(id, { RouteId: id, RouteKey: i.RouteKey, Target: i.Target, AuthorizationType: i.AuthorizationType ?? 'NONE', ...(i.AuthorizerId ? { AuthorizerId: i.AuthorizerId } : {}), ...(i.AuthorizationScopes ? { AuthorizationScopes: i.AuthorizationScopes } : {}) });
      return { RouteId: id };
    },
    GetRoutes: (i) => ({ Items: [...get(i.ApiId).routes.values()] }),
    // Like API Gateway: what an update does not name stays (a route set back to NONE keeps its authorizer id).
    UpdateRoute: (i) => {
      const a = get(i.ApiId);
      if (i.AuthorizationType === 'JWT' && !a.authorizers.has(i.AuthorizerId)) throw awsError('NotFoundException', 'Invalid authorizer identifier specified', 404);
      const { ApiId: _a, RouteId: _r, ...rest } = i;
      Object.assign(a.routes.get(i.RouteId), Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    },
    CreateAuthorizer: (i) => {
      const a = get(i.ApiId);
      const id = nextId('au');
      const { ApiId: _a, ...rest } = i;
      a.authorizers.set(id, { ...rest, AuthorizerId: id });
      return { ...rest, AuthorizerId: id };
    },
    GetAuthorizer: (i) => {
      const au = get(i.ApiId).authorizers.get(i.AuthorizerId);
      if (!au) throw awsError('NotFoundException', 'Invalid authorizer identifier specified', 404);
      return au;
    },
    GetAuthorizers: (i) => ({ Items: [...get(i.ApiId).authorizers.values()] }),
    UpdateAuthorizer: (i) => {
      const au = get(i.ApiId).authorizers.get(i.AuthorizerId);
      if (!au) throw awsError('NotFoundException', 'Invalid authorizer identifier specified', 404);
      const { ApiId: _a, ...rest } = i;
      Object.assign(au, rest);
      return au;
    },
    DeleteAuthorizer: (i) => {
      const a = get(i.ApiId);
      if ([...a.routes.values()].some((r: any) => r.AuthorizationType === 'JWT' && r.AuthorizerId === i.AuthorizerId)) throw awsError('ConflictException', 'Cannot delete an authorizer that routes use', 409);
      if (!a.authorizers.delete(i.AuthorizerId)) throw awsError('NotFoundException', 'Invalid authorizer identifier specified', 404);
    },
    DeleteRoute: (i) => {
      if (!get(i.ApiId).routes.delete(i.RouteId)) throw awsError('NotFoundException', 'Invalid Route identifier specified', 404);
    },
  };
}

/** EventBridge Scheduler: schedule groups (taggable) and their schedules. */
export function schedulerHandlers(aws: FakeAws): Record<string, Handler> {
  const groupArn = (name: string) => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}`;
  const group = (name: string) => {
    const g = aws.scheduleGroups.get(name);
    if (!g) throw awsError('ResourceNotFoundException', `Schedule group ${name} does not exist.`, 404);
    return g;
  };
  const tags = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));
  return {
    CreateScheduleGroup: (i) => {
      if (aws.scheduleGroups.has(i.Name)) throw awsError('ConflictException', 'Schedule group already exists', 409);
      aws.scheduleGroups.set(i.Name, { tags: tags(i.Tags), schedules: new Map() });
      aws.tagResource(groupArn(i.Name), tags(i.Tags));
    },
    DeleteScheduleGroup: (i) => {
      group(i.Name);
      aws.scheduleGroups.delete(i.Name);
      aws.tags.delete(groupArn(i.Name));
    },
    ListSchedules: (i) => ({ Schedules: [...group(i.GroupName).schedules.values()].map((s: any) => ({ Name: s.Name, GroupName: i.GroupName })) }),
    GetSchedule: (i) => {
      const s = group(i.GroupName).schedules.get(i.Name);
      if (!s) throw awsError('ResourceNotFoundException', 'Schedule not found', 404);
      return s;
    },
    CreateSchedule: (i) => {
      const g = group(i.GroupName);
      if (g.schedules.has(i.Name)) throw awsError('ConflictException', 'Schedule already exists', 409);
      if (!aws.roles.has(String(i.Target.RoleArn).split('/').pop() as string)) throw awsError('ValidationException', 'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.');
      g.schedules.set(i.Name, { ...i });
    },
    UpdateSchedule: (i) => {
      const g = group(i.GroupName);
      if (!g.schedules.has(i.Name)) throw awsError('ResourceNotFoundException', 'Schedule not found', 404);
      g.schedules.set(i.Name, { ...i });
    },
    DeleteSchedule: (i) => {
      if (!group(i.GroupName).schedules.delete(i.Name)) throw awsError('ResourceNotFoundException', 'Schedule not found', 404);
    },
  };
}

/** S3: buckets (owned by us or by "another account"), tags, notifications, objects with conditional writes. */
export function s3Handlers(aws: FakeAws): Record<string, Handler> {
  const get = (name: string, expectedOwner?: string) => {
    const b = aws.buckets.get(name);
    if (!b) throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    if (expectedOwner && b.owner !== expectedOwner) throw awsError('AccessDenied', 'Access Denied', 403);
    return b;
  };
  const etag = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;
  return {
    HeadBucket: (i) => {
      const b = aws.buckets.get(i.Bucket);
      if (!b) throw awsError('NotFound', 'Not Found', 404);
      if (b.owner !== ACCOUNT) throw awsError('Forbidden', 'Forbidden', 403);
      return {};
    },
    CreateBucket: (i) => {
      const b = aws.buckets.get(i.Bucket);
      if (b) throw b.owner === ACCOUNT ? awsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409) : awsError('BucketAlreadyExists', 'The requested bucket name is not available.', 409);
      aws.buckets.set(i.Bucket, { owner: ACCOUNT, notification: {}, objects: new Map() });
    },
    GetBucketTagging: (i) => {
      const b = get(i.Bucket);
      if (!b.tags) throw awsError('NoSuchTagSet', 'The TagSet does not exist', 404);
      return { TagSet: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })) };
    },
    PutBucketTagging: (i) => {
      const b = get(i.Bucket, i.ExpectedBucketOwner);
      b.tags = Object.fromEntries(i.Tagging.TagSet.map((t: any) => [t.Key, t.Value]));
      aws.tags.set(`arn:aws:s3:::${i.Bucket}`, b.tags as Record<string, string>);
    },
    DeleteBucket: (i) => {
      const b = get(i.Bucket, i.ExpectedBucketOwner);
      if (b.objects.size > 0) throw awsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
      aws.buckets.delete(i.Bucket);
      aws.tags.delete(`arn:aws:s3:::${i.Bucket}`);
    },
    GetBucketNotificationConfiguration: (i) => ({ ...get(i.Bucket, i.ExpectedBucketOwner).notification }),
    PutBucketNotificationConfiguration: (i) => void (get(i.Bucket, i.ExpectedBucketOwner).notification = i.NotificationConfiguration),
    PutObject: (i) => {
      const b = get(i.Bucket, i.ExpectedBucketOwner);
      const current = b.objects.get(i.Key);
      if (i.IfNoneMatch === '*' && current) throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
      if (i.IfMatch && current?.etag !== i.IfMatch) throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
      const raw = typeof i.Body === 'string' ? Buffer.from(i.Body) : Buffer.from(i.Body);
      const body = raw.toString('utf8');
      const tag = etag(body + Date.now() + Math.random());
      b.objects.set(i.Key, { body, etag: tag, raw });
      return { ETag: tag };
    },
    GetObject: (i) => {
      const o = get(i.Bucket).objects.get(i.Key);
      if (!o) throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
      return { ETag: o.etag, Body: { transformToString: async () => o.body } };
    },
    DeleteObject: (i) => {
      const b = get(i.Bucket);
      const o = b.objects.get(i.Key);
      if (o && i.IfMatch && o.etag !== i.IfMatch) throw awsError('PreconditionFailed', 'precondition failed', 412);
      b.objects.delete(i.Key);
    },
  };
}
