import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, deploy, work } from './support/service.js';
import { shop } from './support/shop.js';

const SUBS = `/subscriptions/${SUB}`;
const RG = `${SUBS}/resourceGroups/shop-rg`;
const ACCT = `${RG}/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`;
const ID = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-dev-id`;
const ROLE = (guid: string) => `${SUBS}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const STORAGE_V = 'api-version=2025-06-01';
const WEB_V = 'api-version=2025-03-01';
const RA = (scope: string, name: string) => `PUT ${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;

describe('azure adapter: desired state', () => {
  it('is pure and deterministic, with the subscription and identity ids as placeholders', () => {
    const s = shop();
    const arts = artifacts(s);
    const a = adapter.desired(s, arts);
    expect(adapter.desired(s, arts)).toEqual(a);
    const app = a.find((r) => r.id === 'function-app')!;
    expect(app.props.identity).toBe('/subscriptions/${Subscription}/resourceGroups/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-dev-id');
    expect((app.props.appSettings as Record<string, string>).AzureWebJobsStorage__clientId).toBe('${IdentityClientId}');
    // Every grant is security-highlighted and scoped to one queue, container or secret: never the group or subscription.
    const grants = a.filter((r) => r.type === 'azure:authorization:role-assignment');
    expect(grants.every((g) => g.security)).toBe(true);
    expect(grants.map((g) => `${g.props.role} @ ${String(g.props.scope).replace('/subscriptions/${Subscription}/resourceGroups/shop-rg/providers/', '')}`)).toEqual([
      'Storage Blob Data Owner @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/blobServices/default/containers/azure-webjobs-hosts',
      'Storage Blob Data Owner @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/blobServices/default/containers/azure-webjobs-secrets',
      'Storage Blob Data Contributor @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/blobServices/default/containers/app-package',
      'Storage Queue Data Contributor @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/queueServices/default/queues/orders',
      'Storage Queue Data Contributor @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/queueServices/default/queues/orders-poison',
      'Storage Blob Data Contributor @ Microsoft.Storage/storageAccounts/shopdevce7e13ab/blobServices/default/containers/uploads',
      'Storage Blob Delegator @ Microsoft.Storage/storageAccounts/shopdevce7e13ab',
      'Monitoring Metrics Publisher @ Microsoft.Insights/components/shop-dev-insights',
      'Key Vault Secrets User @ Microsoft.KeyVault/vaults/shop-vault/secrets/shop-dev-STRIPE-KEY',
    ]);
  });
});

describe('azure adapter: first deploy', () => {
  it('sends exactly these requests, in dependency order, and no more', async () => {
    const arm = new FakeArm();
    const s = shop();
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([
      'create app-insights',
      'create bucket:uploads',
      'create container:app-package',
      'create container:azure-webjobs-hosts',
      'create container:azure-webjobs-secrets',
      'create event-topic',
      'create event:thumbnail:1',
      'create function-app',
      'create grant:BlobDataContributor:containers/app-package',
      'create grant:BlobDataContributor:containers/uploads',
      'create grant:BlobDataOwner:containers/azure-webjobs-hosts',
      'create grant:BlobDataOwner:containers/azure-webjobs-secrets',
      'create grant:BlobDelegator:storageAccounts/shopdevce7e13ab',
      'create grant:MonitoringMetricsPublisher:components/shop-dev-insights',
      'create grant:QueueDataContributor:queues/orders',
      'create grant:QueueDataContributor:queues/orders-poison',
      'create grant:SecretsUser:secrets/shop-dev-STRIPE-KEY',
      'create identity',
      'create log-workspace',
      'create package',
      'create plan',
      'create queue:orders',
      'create queue:orders:poison',
      'create resource-group',
      'create storage',
    ]);
    const writes = arm.lines((r) => r.method !== 'GET' && !/checknameavailability$/i.test(r.path));
    expect(new Set(writes).size).toBe(writes.length); // nothing twice
    expect([...writes].sort()).toEqual(
      [
        `PUT ${SUBS}/resourcegroups/shop-rg?api-version=2025-04-01`,
        `PUT ${ACCT}?${STORAGE_V}`,
        `PUT ${RG}/providers/Microsoft.Web/serverfarms/shop-dev-plan?${WEB_V}`,
        `PUT ${ID}?api-version=2024-11-30`,
        `PUT ${ACCT}/blobServices/default/containers/app-package?${STORAGE_V}`,
        `PUT ${ACCT}/blobServices/default/containers/azure-webjobs-hosts?${STORAGE_V}`,
        `PUT ${ACCT}/blobServices/default/containers/azure-webjobs-secrets?${STORAGE_V}`,
        `PUT ${ACCT}/blobServices/default/containers/uploads?${STORAGE_V}`,
        `PUT ${ACCT}/queueServices/default/queues/orders?${STORAGE_V}`,
        `PUT ${ACCT}/queueServices/default/queues/orders-poison?${STORAGE_V}`,
        RA(`${RG}/providers/Microsoft.KeyVault/vaults/shop-vault/secrets/shop-dev-STRIPE-KEY`, 'a3e83393-0537-4546-8bab-c7b7dcc69fa8'),
        RA(`${ACCT}/blobServices/default/containers/azure-webjobs-hosts`, 'eca0e886-b0e8-41ee-8fb6-a8bdbb99ba16'),
        RA(`${ACCT}/blobServices/default/containers/azure-webjobs-secrets`, 'eeb1e08c-796a-4c69-87e7-d20d5fb57708'),
        RA(`${ACCT}/blobServices/default/containers/app-package`, '01c2de37-96c9-4913-85cd-4b68cc6c8bec'),
        RA(`${ACCT}/queueServices/default/queues/orders`, '4da452ea-c3d9-428d-8a18-5f81c2a56b05'),
        RA(`${ACCT}/queueServices/default/queues/orders-poison`, '18461757-03fb-4f30-84a2-ca08174c9137'),
        RA(`${ACCT}/blobServices/default/containers/uploads`, '9bd36d39-f7f2-48a6-8ffd-1c826fe339dd'),
        RA(ACCT, '6d235b1c-9ef8-4427-8ad1-a29999f2bfd7'),
        `PUT ${RG}/providers/Microsoft.EventGrid/systemTopics/shop-dev-storage?api-version=2022-06-15`,
        `PUT ${RG}/providers/Microsoft.OperationalInsights/workspaces/shop-dev-logs?api-version=2023-09-01`,
        `PUT ${RG}/providers/Microsoft.Insights/components/shop-dev-insights?api-version=2020-02-02`,
        RA(`${RG}/providers/Microsoft.Insights/components/shop-dev-insights`, 'f348721e-044f-4668-83fd-4069739d7c03'),
        `PUT ${RG}/providers/Microsoft.Web/sites/shop-dev?${WEB_V}`,
        'POST https://shop-dev.scm.azurewebsites.net/api/publish',
        `PATCH ${RG}/providers/Microsoft.Web/sites/shop-dev/providers/Microsoft.Resources/tags/default?api-version=2025-04-01`,
        `PUT ${RG}/providers/Microsoft.EventGrid/systemTopics/shop-dev-storage/eventSubscriptions/thumbnail-1?api-version=2022-06-15`,
      ].sort(),
    );
    // Order: identity and grants before the app; the app before its package; the package before Event Grid validates the trigger.
    const at = (needle: string) => arm.requests.findIndex((r) => r.method !== 'GET' && r.line.includes(needle));
    expect(at('userAssignedIdentities/shop-dev-id')).toBeLessThan(at('roleAssignments/'));
    expect(at('containers/azure-webjobs-hosts/providers/Microsoft.Authorization')).toBeLessThan(at('sites/shop-dev?'));
    expect(at('queues/orders-poison?')).toBeLessThan(at('sites/shop-dev?'));
    expect(at('components/shop-dev-insights?')).toBeLessThan(at('sites/shop-dev?'));
    expect(at('sites/shop-dev?')).toBeLessThan(at('/api/publish'));
    expect(at('/api/publish')).toBeLessThan(at('eventSubscriptions/thumbnail-1'));
  });

  it('sends these bodies: the app (settings, Flex config, identity), the grants, the storage account, Event Grid', async () => {
    const arm = new FakeArm();
    const s = shop();
    const arts = artifacts(s);
    await deploy(s, arts, arm);
    expect(arm.find('PUT', '/sites/shop-dev')[0].body).toEqual({
      kind: 'functionapp,linux',
      location: 'westeurope',
      tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'function-app' },
      identity: { type: 'UserAssigned', userAssignedIdentities: { [ID]: {} } },
      properties: {
        serverFarmId: `${RG}/providers/Microsoft.Web/serverfarms/shop-dev-plan`,
        httpsOnly: true,
        keyVaultReferenceIdentity: ID,
        siteConfig: {
          minTlsVersion: '1.2',
          ftpsState: 'Disabled',
          appSettings: [
            // Telemetry authenticated with the app's identity (the component has local auth off).
            { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=22222222-2222-2222-2222-222222222222' },
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: 'InstrumentationKey=44444444-4444-4444-4444-444444444444;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/' },
            // host.json settings from the config, as overrides: the package holds none of them.
            { name: 'AzureFunctionsJobHost__extensions__queues__batchSize', value: '10' },
            { name: 'AzureFunctionsJobHost__extensions__queues__maxDequeueCount', value: '4' },
            { name: 'AzureFunctionsJobHost__extensions__queues__visibilityTimeout', value: '00:01:00' },
            { name: 'AzureFunctionsJobHost__functionTimeout', value: '00:00:10' },
            { name: 'AzureWebJobsStorage__accountName', value: 'shopdevce7e13ab' },
            { name: 'AzureWebJobsStorage__clientId', value: '22222222-2222-2222-2222-222222222222' },
            { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' },
            { name: 'SLSX_BUCKET_UPLOADS', value: 'uploads' },
            // Every function's events, timeout and declarations (one process serves them all), read by the shim at start-up (never in the package).
            {
              name: 'SLSX_FUNCTIONS',
              value: JSON.stringify({
                api: { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}' }], region: 'westeurope', sends: ['orders'], service: 'shop', stage: 'dev', timeoutMs: 10000 },
                thumbnail: { buckets: { uploads: 'readwrite' }, events: [{ bucket: 'uploads', kind: 'storage', on: ['created'], prefix: 'images/', suffix: '.png' }], region: 'westeurope', service: 'shop', stage: 'dev', timeoutMs: 10000 },
                worker: { buckets: { uploads: 'read' }, events: [{ kind: 'queue', queue: 'orders' }], region: 'westeurope', service: 'shop', stage: 'dev', timeoutMs: 10000 },
              }),
            },
            { name: 'SLSX_QUEUE_ORDERS', value: 'orders' },
            // A reference the platform resolves with the app's identity: no value passes through sls-x.
            { name: 'STRIPE_KEY', value: '@Microsoft.KeyVault(SecretUri=https://shop-vault.vault.azure.net/secrets/shop-dev-STRIPE-KEY)' },
            { name: 'TABLE', value: 'orders' },
          ],
        },
        functionAppConfig: {
          deployment: { storage: { type: 'blobContainer', value: 'https://shopdevce7e13ab.blob.core.windows.net/app-package', authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: ID } } },
          runtime: { name: 'node', version: '22' },
          scaleAndConcurrency: { alwaysReady: [{ name: 'http', instanceCount: 1 }], maximumInstanceCount: 50, instanceMemoryMB: 512 },
        },
      },
    });
    const grants = arm.requests.filter((r) => r.method === 'PUT' && r.path.includes('/roleAssignments/'));
    expect(grants.map((g) => [g.path.split('/providers/Microsoft.Authorization/')[0].split('/').slice(-1)[0], g.body.properties.roleDefinitionId, g.body.properties.principalId, g.body.properties.principalType])).toEqual([
      ['shop-dev-STRIPE-KEY', ROLE('4633458b-17de-408a-b874-0445c86b69e6'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['azure-webjobs-hosts', ROLE('b7e6dc6d-f1e8-4753-8033-0f276bb0955b'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['azure-webjobs-secrets', ROLE('b7e6dc6d-f1e8-4753-8033-0f276bb0955b'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['app-package', ROLE('ba92f5b4-2d11-453d-a403-e96b0029c9fe'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['orders', ROLE('974c5e8b-45b9-4653-ba55-5f855dd0fb88'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['orders-poison', ROLE('974c5e8b-45b9-4653-ba55-5f855dd0fb88'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['uploads', ROLE('ba92f5b4-2d11-453d-a403-e96b0029c9fe'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['shopdevce7e13ab', ROLE('db58b8e5-c6ad-4a2a-8342-4190687cbf4a'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
      ['shop-dev-insights', ROLE('3913510d-42f4-4e42-8a64-420c390055eb'), '11111111-1111-1111-1111-111111111111', 'ServicePrincipal'],
    ]);
    expect(arm.find('PUT', '/workspaces/shop-dev-logs')[0].body).toEqual({
      location: 'westeurope',
      tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'log-workspace' },
      properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 },
    });
    expect(arm.find('PUT', '/components/shop-dev-insights')[0].body).toEqual({
      location: 'westeurope',
      kind: 'web',
      tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'app-insights' },
      properties: { Application_Type: 'web', WorkspaceResourceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/shop-dev-logs`, DisableLocalAuth: true, IngestionMode: 'LogAnalytics' },
    });
    expect(arm.find('PUT', '/storageAccounts/shopdevce7e13ab')[0].body).toEqual({
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
      location: 'westeurope',
      tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'storage' },
      properties: { allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2' },
    });
    expect(arm.find('PUT', '/serverfarms/shop-dev-plan')[0].body).toMatchObject({ kind: 'functionapp', sku: { name: 'FC1', tier: 'FlexConsumption' }, properties: { reserved: true } });
    expect(arm.find('PUT', '/systemTopics/shop-dev-storage')[0].body).toEqual({
      location: 'westeurope',
      tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'event-topic' },
      properties: { source: ACCT, topicType: 'Microsoft.Storage.StorageAccounts' },
    });
    expect(arm.find('PUT', '/eventSubscriptions/thumbnail-1')[0].body).toEqual({
      properties: {
        destination: { endpointType: 'AzureFunction', properties: { resourceId: `${RG}/providers/Microsoft.Web/sites/shop-dev/functions/thumbnail`, maxEventsPerBatch: 1 } },
        filter: { subjectBeginsWith: '/blobServices/default/containers/uploads/blobs/images/', subjectEndsWith: '.png', includedEventTypes: ['Microsoft.Storage.BlobCreated'] },
        labels: ['slsx:id=event:thumbnail:1'],
        eventDeliverySchema: 'EventGridSchema',
      },
    });
    // The package is app.zip as built, and its sha256 is recorded on the app.
    expect(arm.zips.map((z) => z.toString())).toEqual(['app.zip of api,worker,thumbnail: v1']);
    expect(arm.find('PATCH', '/tags/default')[0].body).toEqual({ operation: 'Merge', properties: { tags: { 'slsx:code': arts[0].sha256 } } });
    // Queues have no per-queue settings: batch size and retries are host.json's (written by the bundler).
    expect(arm.find('PUT', '/queues/orders')[0].body).toEqual({});
  });
});
