import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, isAwsError } from '../errors.js';
import { TAG_SERVICE, TAG_STAGE } from '../naming.js';
import { tagsFor, type Session } from '../session.js';
import { freshApiIndex } from './api-index.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';

type CorsProps = { allowOrigins: string[]; allowMethods: string[]; allowHeaders: string[]; maxAge?: number; allowCredentials?: boolean; exposeHeaders?: string[] } | undefined;

/**
 * The API's CorsConfiguration. On an update, credentials and exposed headers are always said
 * (false, none), so turning one off turns it off rather than leaving what was there.
 */
function corsConfiguration(cors: CorsProps, explicit = false) {
  if (!cors) return undefined;
  return {
    AllowOrigins: cors.allowOrigins,
    AllowMethods: cors.allowMethods,
    AllowHeaders: cors.allowHeaders,
    MaxAge: cors.maxAge,
    ...(cors.allowCredentials || explicit ? { AllowCredentials: Boolean(cors.allowCredentials) } : {}),
    ...(cors.exposeHeaders?.length || explicit ? { ExposeHeaders: cors.exposeHeaders ?? [] } : {}),
  };
}

/** This stage's API id: found by observe, created by this run, or looked up by name and tags. */
export async function findApiId(session: Session): Promise<string | undefined> {
  if (session.apiId) return session.apiId;
  const { GetApisCommand } = await import('@aws-sdk/client-apigatewayv2');
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call('apigateway:GetApis', () => session.clients.apigw.send(new GetApisCommand(token ? { NextToken: token } : {})));
    const api = (res.Items ?? []).find((a) => a.Name === session.names.apiName && a.Tags?.[TAG_SERVICE] === session.service && a.Tags?.[TAG_STAGE] === session.stage);
    if (api?.ApiId) {
      session.apiId = api.ApiId;
      return api.ApiId;
    }
    token = res.NextToken || undefined;
    if (!token) break;
  }
  return undefined;
}

export async function ensureApiId(session: Session): Promise<string> {
  const id = await findApiId(session);
  if (!id) throw new SlsxError('CLOUD_ERROR', `The HTTP API '${session.names.apiName}' was not found.`, { hint: 'Deploy again: the API is created before its routes.' });
  return id;
}

async function ensureStage(c: ApplyContext, apiId: string): Promise<void> {
  const { CreateStageCommand } = await import('@aws-sdk/client-apigatewayv2');
  const stage = String(c.after.stage);
  try {
    await c.session.clients.apigw.send(new CreateStageCommand({ ApiId: apiId, StageName: stage, AutoDeploy: true, Tags: tagsFor(c.session, `stage:${stage}`) }));
  } catch (err) {
    if (!isAwsError(err, 'ConflictException')) await call(`apigateway:CreateStage ${stage}`, () => Promise.reject(err));
  }
}

async function create(c: ApplyContext): Promise<void> {
  const { CreateApiCommand } = await import('@aws-sdk/client-apigatewayv2');
  let apiId = await findApiId(c.session);
  if (apiId) return update(c);
  const res = await call(`apigateway:CreateApi ${String(c.after.name)}`, () =>
    c.session.clients.apigw.send(
      new CreateApiCommand({ Name: String(c.after.name), ProtocolType: 'HTTP', CorsConfiguration: corsConfiguration(c.after.cors as CorsProps), Tags: c.tags }),
    ),
  );
  apiId = res.ApiId as string;
  c.session.apiId = apiId;
  freshApiIndex(c.session, apiId);
  await ensureStage(c, apiId);
}

async function update(c: ApplyContext): Promise<void> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const apiId = c.physicalId ?? (await ensureApiId(c.session));
  c.session.apiId = apiId;
  const cors = c.after.cors as CorsProps;
  await call(`apigateway:UpdateApi ${apiId}`, () =>
    c.session.clients.apigw.send(new apigw.UpdateApiCommand({ ApiId: apiId, Name: String(c.after.name), ...(cors ? { CorsConfiguration: corsConfiguration(cors, true) } : {}) })),
  );
  if (!cors && c.before.cors) {
    await ignoreMissing(`apigateway:DeleteCorsConfiguration ${apiId}`, () => c.session.clients.apigw.send(new apigw.DeleteCorsConfigurationCommand({ ApiId: apiId })));
  }
  if (c.before.stage !== c.after.stage) await ensureStage(c, apiId);
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteApiCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = c.physicalId;
  if (!apiId) return;
  await ignoreMissing(`apigateway:DeleteApi ${apiId}`, () => c.session.clients.apigw.send(new DeleteApiCommand({ ApiId: apiId })));
  c.session.apiId = null;
}

/** The stage's HTTP API (payload 2.0) and its one auto-deployed stage, named after the sls-x stage. */
export const apiApply: ResourceApply = { create, update, delete: remove };
