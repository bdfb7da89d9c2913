/**
 * Resource Manager in front of Azurite for the storage pieces the azure adapter touches.
 *
 * Azurite emulates the Storage data plane only; the adapter reaches containers and queues
 * through Resource Manager (`@azure/arm-storage`). This bridge is an HttpClient for the adapter's
 * real SDK clients: every request goes to the recording fake ARM (test/azure/support/fake-arm.ts)
 * except these, which perform the same action on Azurite and answer as Resource Manager does:
 *
 * - `POST .../blobServices/default/containers/{c}/lease` (BlobContainers_Lease, body
 *   `{ action, leaseId, leaseDuration, breakPeriod, proposedLeaseId }`) -> Lease Container
 *   (`PUT ?restype=container&comp=lease`, `x-ms-lease-action` ...); answers
 *   `{ leaseId }` / `{ leaseTimeSeconds }` (LeaseContainerResponse, blob.json 2025-06-01);
 * - `GET .../containers/{c}` (BlobContainers_Get) -> Get Container Properties, with
 *   `properties.leaseState` / `leaseStatus` / `leaseDuration` in ARM's enum spelling
 *   (`Available|Leased|Expired|Breaking|Broken`, `Locked|Unlocked`, `Infinite|Fixed`);
 * - `PUT` / `DELETE .../containers/{c}` and `.../queueServices/default/queues/{q}` -> Create /
 *   Delete Container and Queue on Azurite, then recorded in the fake ARM as well (so observe and
 *   list calls keep working), except when Azurite refuses the delete (a leased container).
 *
 * Errors: Azurite's `x-ms-error-code` and status become ARM's `{ error: { code, message } }` with the
 * same status. The published spec of BlobContainers_Lease declares no error response, so this is
 * an assumption: the storage resource provider passes the data plane's status and code through
 * (409 LeaseAlreadyPresent, 409 LeaseIdMismatchWithLeaseOperation, 404 ContainerNotFound, ...).
 * The adapter's lock code keys on the status (409 / 404) as well as the code.
 *
 * Every storage account name maps to Azurite's one account (devstoreaccount1).
 */
import { randomUUID } from 'node:crypto';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { FakeArm } from '../../azure/support/fake-arm.js';
import { storageToken, type Azurite } from './azurite.js';

export const STORAGE_VERSION = '2022-11-02';

/** One request the bridge turned into a data-plane call, and what Azurite answered. */
export interface BridgeCall {
  op: string;
  resource: string;
  status: number;
  code?: string;
}

const STORAGE_PATH = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)\/(blobServices\/default\/containers|queueServices\/default\/queues)\/([^/]+)(\/lease)?$/i;

const capital = (s: string | null): string | undefined => (s ? s[0]!.toUpperCase() + s.slice(1) : undefined);

export class ArmStorageBridge {
  readonly calls: BridgeCall[] = [];
  readonly httpClient: HttpClient = { sendRequest: (req) => this.handle(req) };
  /** Called with the bytes of a Kudu `POST /api/publish` before the fake ARM records it. */
  onPublish?: (zip: Buffer, url: URL) => Promise<void>;

  constructor(
    readonly arm: FakeArm,
    readonly az: Azurite,
  ) {}

  /** What `AdapterContext.clients` / the CLI's injected clients take. */
  get clients() {
    return { azure: { httpClient: this.httpClient, credential: this.arm.credential, sleep: async () => {} } };
  }

  /** A bearer token Azurite in OAuth mode accepts (an administrator's, not the code under test's). */
  authorization(): string {
    return `Bearer ${storageToken()}`;
  }

  /** A data-plane call to Azurite with a bearer token (Azurite in OAuth mode checks it). */
  async storage(method: string, url: string, headers: Record<string, string> = {}, body?: string | Uint8Array): Promise<{ status: number; headers: Headers; text: string }> {
    const res = await this.az.fetch(url, {
      method,
      headers: { authorization: this.authorization(), 'x-ms-version': STORAGE_VERSION, ...headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  private async handle(req: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(req.url);
    if (url.host.endsWith('.scm.azurewebsites.net') && url.pathname === '/api/publish' && this.onPublish && req.body instanceof Uint8Array) {
      await this.onPublish(Buffer.from(req.body), url);
    }
    const m = STORAGE_PATH.exec(decodeURIComponent(url.pathname));
    if (!m) return this.arm.httpClient.sendRequest(req);
    const [, , kind, name, lease] = m as unknown as [string, string, string, string, string | undefined];
    const isQueue = kind.toLowerCase().startsWith('queue');
    if (lease) {
      if (req.method !== 'POST') return this.arm.httpClient.sendRequest(req);
      return this.lease(req, name!, JSON.parse(typeof req.body === 'string' && req.body ? req.body : '{}'));
    }
    if (isQueue) {
      if (req.method === 'PUT') {
        const r = await this.storage('PUT', `${this.az.queueUrl}/${name}`);
        this.log('Create Queue', name!, r);
        // 201 created, 204 already there with the same metadata: both are ARM's 200.
        if (r.status !== 201 && r.status !== 204) return this.error(req, r);
      } else if (req.method === 'DELETE') {
        const r = await this.storage('DELETE', `${this.az.queueUrl}/${name}`);
        this.log('Delete Queue', name!, r);
        if (r.status !== 204 && r.status !== 404) return this.error(req, r);
      }
      return this.arm.httpClient.sendRequest(req);
    }
    const container = `${this.az.blobUrl}/${name}?restype=container`;
    if (req.method === 'GET') {
      const r = await this.storage('GET', container);
      this.log('Get Container Properties', name!, r);
      if (r.status !== 200) return this.error(req, r);
      return this.reply(req, 200, {
        id: url.pathname,
        name,
        type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
        etag: r.headers.get('etag') ?? undefined,
        properties: {
          publicAccess: 'None',
          lastModifiedTime: new Date(r.headers.get('last-modified') ?? Date.now()).toISOString(),
          leaseStatus: capital(r.headers.get('x-ms-lease-status')),
          leaseState: capital(r.headers.get('x-ms-lease-state')),
          ...(r.headers.get('x-ms-lease-duration') ? { leaseDuration: capital(r.headers.get('x-ms-lease-duration')) } : {}),
        },
      });
    }
    if (req.method === 'PUT') {
      const r = await this.storage('PUT', container);
      this.log('Create Container', name!, r);
      if (r.status !== 201 && !(r.status === 409 && this.code(r) === 'ContainerAlreadyExists')) return this.error(req, r);
    } else if (req.method === 'DELETE') {
      const r = await this.storage('DELETE', container);
      this.log('Delete Container', name!, r);
      if (r.status !== 202 && r.status !== 404) return this.error(req, r);
    }
    return this.arm.httpClient.sendRequest(req);
  }

  private async lease(req: PipelineRequest, container: string, body: { action?: string; leaseId?: string; leaseDuration?: number; breakPeriod?: number | null; proposedLeaseId?: string }): Promise<PipelineResponse> {
    const action = String(body.action ?? '');
    const headers: Record<string, string> = { 'x-ms-lease-action': action.toLowerCase() };
    if (body.leaseId) headers['x-ms-lease-id'] = body.leaseId;
    if (body.leaseDuration !== undefined && body.leaseDuration !== null) headers['x-ms-lease-duration'] = String(body.leaseDuration);
    if (body.breakPeriod !== undefined && body.breakPeriod !== null) headers['x-ms-lease-break-period'] = String(body.breakPeriod);
    if (body.proposedLeaseId) headers['x-ms-proposed-lease-id'] = body.proposedLeaseId;
    const r = await this.storage('PUT', `${this.az.blobUrl}/${container}?restype=container&comp=lease`, headers);
    this.log(`Lease ${action}`, container, r);
    if (r.status >= 300) return this.error(req, r);
    if (action === 'Break') return this.reply(req, 200, { leaseTimeSeconds: r.headers.get('x-ms-lease-time') ?? '0' });
    if (action === 'Release') return this.reply(req, 200, {});
    return this.reply(req, 200, { leaseId: r.headers.get('x-ms-lease-id') ?? undefined });
  }

  private code(r: { headers: Headers; text: string }): string {
    return r.headers.get('x-ms-error-code') ?? /<Code>([^<]+)<\/Code>/.exec(r.text)?.[1] ?? '';
  }

  private log(op: string, resource: string, r: { status: number; headers: Headers; text: string }): void {
    const code = r.status >= 300 ? this.code(r) : undefined;
    this.calls.push({ op, resource, status: r.status, ...(code ? { code } : {}) });
  }

  private error(req: PipelineRequest, r: { status: number; headers: Headers; text: string }): PipelineResponse {
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(r.text)?.[1]?.split('\n')[0] ?? `HTTP ${r.status}`;
    return this.reply(req, r.status, { error: { code: this.code(r), message } });
  }

  private reply(req: PipelineRequest, status: number, json: unknown): PipelineResponse {
    return { request: req, status, headers: createHttpHeaders({ 'content-type': 'application/json', 'x-ms-request-id': randomUUID() }), bodyAsText: JSON.stringify(json) };
  }
}
