import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, httpStatus } from '../errors.js';
import type { Session } from '../session.js';
import { ensureApiId } from './api.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';

function input(c: ApplyContext) {
  return {
    Name: String(c.after.name),
    AuthorizerType: 'JWT' as const,
    IdentitySource: (c.after.identitySource as string[]) ?? [],
    JwtConfiguration: { Issuer: String(c.after.issuer), Audience: (c.after.audience as string[]) ?? [] },
  };
}

/**
 * The id of authorizer `name` in the API, listed by name (GetAuthorizers): an authorizer created
 * by a deploy that stopped before any route used it is found again rather than made twice. An
 * API without GetAuthorizers (the moto emulator answers 500) reads as none.
 */
async function findByName(session: Session, apiId: string, name: string): Promise<string | undefined> {
  const { GetAuthorizersCommand } = await import('@aws-sdk/client-apigatewayv2');
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    let res;
    try {
      res = await session.clients.apigw.send(new GetAuthorizersCommand({ ApiId: apiId, ...(token ? { NextToken: token } : {}) }));
    } catch (err) {
      if ((httpStatus(err) ?? 0) >= 500) return undefined;
      return call(`apigateway:GetAuthorizers ${apiId}`, () => Promise.reject(err));
    }
    const hit = (res.Items ?? []).find((a) => a.Name === name);
    if (hit?.AuthorizerId) return hit.AuthorizerId;
    token = res.NextToken || undefined;
    if (!token) break;
  }
  return undefined;
}

/** The authorizer id of logical id `id` (`authorizer:slsx-jwt-...`): observed, created in this run, or found by name. */
export async function authorizerId(session: Session, apiId: string, id: string): Promise<string> {
  const known = session.authorizers?.get(id);
  if (known) return known;
  const found = await findByName(session, apiId, id.slice('authorizer:'.length));
  if (!found) throw new SlsxError('CLOUD_ERROR', `The JWT authorizer ${id} was not found in the HTTP API.`, { hint: 'Deploy again: the authorizer is created before the routes that use it.' });
  (session.authorizers ??= new Map()).set(id, found);
  return found;
}

async function create(c: ApplyContext): Promise<void> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const existing = await findByName(c.session, apiId, String(c.after.name));
  if (existing) {
    (c.session.authorizers ??= new Map()).set(c.change.id, existing);
    return update({ ...c, physicalId: existing });
  }
  const res = await call(`apigateway:CreateAuthorizer ${String(c.after.name)}`, () => c.session.clients.apigw.send(new apigw.CreateAuthorizerCommand({ ApiId: apiId, ...input(c) })));
  if (res.AuthorizerId) (c.session.authorizers ??= new Map()).set(c.change.id, res.AuthorizerId);
}

async function update(c: ApplyContext): Promise<void> {
  const { UpdateAuthorizerCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const id = c.physicalId as string;
  await call(`apigateway:UpdateAuthorizer ${String(c.after.name)}`, () => c.session.clients.apigw.send(new UpdateAuthorizerCommand({ ApiId: apiId, AuthorizerId: id, ...input(c) })));
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteAuthorizerCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = c.session.apiId;
  if (!apiId || !c.physicalId) return;
  await ignoreMissing(`apigateway:DeleteAuthorizer ${String(c.before.name)}`, () => c.session.clients.apigw.send(new DeleteAuthorizerCommand({ ApiId: apiId, AuthorizerId: c.physicalId })));
  c.session.authorizers?.delete(c.change.id);
}

/** An HTTP API JWT authorizer (token in `Authorization`, keys from the issuer's OpenID discovery). */
export const authorizerApply: ResourceApply = { create, update, delete: remove };
