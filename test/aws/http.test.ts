import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import type { HttpEventSpec } from '../../src/model/service.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const http = (method: HttpEventSpec['method'], path: string, cors = false): HttpEventSpec => ({ kind: 'http', method, path, cors });
const svc = (events = [http('GET', '/orders/{id}', true), http('POST', '/orders', true)]) => service([fn('api', { events })]);

describe('aws adapter: HTTP API', () => {
  it('first deploy creates the API, its stage, the integration, routes and the invoke permission exactly so', async () => {
    const aws = new FakeAws();
    const s = svc();
    const p = await deploy(s, artifacts(s), context(aws));
    expect(work(p.changes)).toEqual([
      'create api',
      'create function:api',
      'create integration:api',
      'create logs:api',
      'create permission:api:api',
      'create role:api',
      'create route:GET /orders/{id}',
      'create route:POST /orders',
    ]);
    expect(p.changes.find((c) => c.id === 'permission:api:api')!.security).toBe(true);
    const tags = (id: string) => ({ 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': id });
    expect(aws.inputs('apigateway:CreateApi')).toEqual([
      {
        Name: 'shop-dev',
        ProtocolType: 'HTTP',
        CorsConfiguration: { AllowOrigins: ['*'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['authorization', 'content-type'], MaxAge: 300 },
        Tags: tags('api'),
      },
    ]);
    const apiId = [...aws.apis.keys()][0];
    expect(aws.inputs('apigateway:CreateStage')).toEqual([{ ApiId: apiId, StageName: 'dev', AutoDeploy: true, Tags: tags('stage:dev') }]);
    expect(aws.inputs('apigateway:CreateIntegration')).toEqual([
      {
        ApiId: apiId,
        IntegrationType: 'AWS_PROXY',
        Description: 'slsx:integration:api',
        IntegrationUri: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-api',
        PayloadFormatVersion: '2.0',
        TimeoutInMillis: 10000,
      },
    ]);
    const integrationId = [...aws.apis.get(apiId).integrations.keys()][0];
    expect(aws.inputs('apigateway:CreateRoute').sort((a, b) => a.RouteKey.localeCompare(b.RouteKey))).toEqual([
      { ApiId: apiId, RouteKey: 'GET /orders/{id}', Target: `integrations/${integrationId}` },
      { ApiId: apiId, RouteKey: 'POST /orders', Target: `integrations/${integrationId}` },
    ]);
    expect(aws.inputs('lambda:AddPermission')).toEqual([
      {
        FunctionName: 'shop-dev-api',
        StatementId: 'slsx-api',
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:eu-west-1:123456789012:${apiId}/*/*`,
      },
    ]);
    const outputs = await adapter.outputs(s, p.scope, context(aws));
    expect(outputs.endpoints).toEqual([
      { method: 'GET', url: `https://${apiId}.execute-api.eu-west-1.amazonaws.com/dev/orders/{id}`, function: 'api' },
      { method: 'POST', url: `https://${apiId}.execute-api.eu-west-1.amazonaws.com/dev/orders`, function: 'api' },
    ]);
  });

  it('redeploying the same API makes no mutating call', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const p = await deploy(s, arts, context(aws));
    expect(work(p.changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a removed route is deleted; the function\'s route list is a configuration update (no code upload); turning CORS off updates the API', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const p = await deploy(svc([http('GET', '/orders/{id}')]), arts, context(aws));
    expect(work(p.changes)).toEqual(['delete route:POST /orders', 'update api', 'update function:api']);
    expect(p.changes.find((c) => c.id === 'api')!.reasons[0]).toMatch(/^cors: /);
    // The shim matches paths against the function's routes: they come from its environment.
    expect(p.changes.find((c) => c.id === 'function:api')!.reasons).toEqual(['env.SLSX_FUNCTIONS.api.events: - {"kind":"http","method":"POST","path":"/orders"}']);
    const mutating = aws.mutatingCalls();
    expect(mutating).not.toContain('lambda:UpdateFunctionCode');
    expect(mutating).toContain('lambda:UpdateFunctionConfiguration');
    expect(mutating.filter((n) => n.startsWith('apigateway:')).sort()).toEqual(['apigateway:DeleteCorsConfiguration', 'apigateway:DeleteRoute', 'apigateway:UpdateApi']);
    const api = [...aws.apis.values()][0];
    expect([...api.routes.values()].map((r: any) => r.RouteKey)).toEqual(['GET /orders/{id}']);
    expect(api.CorsConfiguration).toBeUndefined();
  });

  it('removing the last HTTP function deletes routes, integration, permission and the API', async () => {
    const aws = new FakeAws();
    const s = service([fn('api', { events: [http('GET', '/a')] }), fn('worker')]);
    await deploy(s, artifacts(s), context(aws));
    const s2 = service([fn('worker')]);
    const p = await deploy(s2, artifacts(s2), context(aws));
    expect(work(p.changes)).toEqual([
      'delete api',
      'delete function:api',
      'delete integration:api',
      'delete logs:api',
      'delete permission:api:api',
      'delete role:api',
      'delete route:GET /a',
    ]);
    expect(aws.apis.size).toBe(0);
    const names = aws.calls.map((c) => c.name);
    expect(names.indexOf('apigateway:DeleteRoute')).toBeLessThan(names.indexOf('apigateway:DeleteIntegration'));
    expect(names.indexOf('apigateway:DeleteIntegration')).toBeLessThan(names.indexOf('apigateway:DeleteApi'));
  });
});
