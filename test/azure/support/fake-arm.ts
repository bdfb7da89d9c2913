import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** One request the SDKs (or the Kudu/admin calls) sent. */
export interface Recorded {
  method: string;
  host: string;
  /** Path with the api-version, no other query: `PUT /subscriptions/.../sites/shop-dev?api-version=2025-03-01`. */
  line: string;
  path: string;
  query: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes?: number;
  /** The Authorization header as sent (absent when none was). */
  authorization?: string;
}

export const SUB = '00000000-0000-0000-0000-000000000001';
const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
const CLIENT = '22222222-2222-2222-2222-222222222222';

type Res = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A fake Azure Resource Manager behind the SDKs' injected HttpClient: it keeps resources by
 * id (case-insensitive, as ARM does), answers PUT/GET/PATCH/DELETE/list like ARM with
 * provisioningState Succeeded (so the SDK pollers finish at once), and records every request.
 * Also fakes the app's Kudu `/api/publish` and the admin API. Nothing listens on a socket.
 */
export class FakeArm {
  readonly requests: Recorded[] = [];
  readonly resources = new Map<string, Res>();
  readonly appSettings = new Map<string, Record<string, string>>();
  /** Names someone else owns (global uniqueness). */
  readonly takenStorageNames = new Set<string>();
  readonly takenSiteNames = new Set<string>();
  /** Answer 429 Too Many Requests (Retry-After: 0) to the first request matching this. */
  throttleOnce?: (r: Recorded) => boolean;
  /** Milliseconds each request takes, to see how many are in flight at once. */
  latencyMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Throw a network error for the first request matching this (an interrupted deploy). */
  failOnce?: (r: Recorded) => boolean;
  /** Answer the first request matching `when` with this status and ARM error (then act normally). */
  errorOnce?: { when: (r: Recorded) => boolean; status: number; code: string; message: string };
  readonly zips: Buffer[] = [];
  /** Scopes (lowercase ARM ids) that do not exist: a role assignment there is a 404, a list there is empty. */
  readonly missingScopes = new Set<string>();
  /** Rows the Log Analytics query API answers with (AppTraces). */
  traces: Array<Record<string, unknown>> = [];

  readonly credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
  readonly httpClient: HttpClient = { sendRequest: (req) => this.timed(req) };

  private async timed(req: PipelineRequest): Promise<PipelineResponse> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      return await this.handle(req);
    } finally {
      this.inFlight--;
    }
  }

  get clients() {
    return { azure: { httpClient: this.httpClient, credential: this.credential, sleep: async () => {} } };
  }

  /** Requests that change a resource (ARM list POSTs are reads; the deploy lock's lease calls are counted apart). */
  mutating(): Recorded[] {
    return this.requests.filter((r) => r.method !== 'GET' && !/\/(list|listkeys|checkNameAvailability|checknameavailability|lease)$/i.test(r.path));
  }

  lines(filter: (r: Recorded) => boolean = () => true): string[] {
    return this.requests.filter(filter).map((r) => `${r.method} ${r.line}`);
  }

  find(method: string, pathEnd: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.toLowerCase().endsWith(pathEnd.toLowerCase()));
  }

  private async handle(req: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(req.url);
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = req.body;
    let body: unknown;
    let bytes: number | undefined;
    if (typeof raw === 'string') body = raw ? JSON.parse(raw) : undefined;
    else if (raw instanceof Uint8Array) bytes = raw.length;
    const path = decodeURIComponent(url.pathname);
    const rec: Recorded = { method: req.method, host: url.host, path, query, body, bytes, line: `${url.host === 'management.azure.com' ? '' : `https://${url.host}`}${path}${query['api-version'] ? `?api-version=${query['api-version']}` : ''}` };
    const authorization = req.headers.get('authorization');
    if (authorization !== undefined) rec.authorization = authorization;
    this.requests.push(rec);
    if (this.throttleOnce?.(rec)) {
      this.throttleOnce = undefined;
      return { request: req, status: 429, headers: createHttpHeaders({ 'content-type': 'application/json', 'retry-after': '0' }), bodyAsText: JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests' } }) };
    }
    if (this.failOnce?.(rec)) {
      this.failOnce = undefined;
      throw Object.assign(new Error('socket hang up (fake interruption)'), { code: 'ECONNRESET' });
    }
    if (this.errorOnce?.when(rec)) {
      const { status, code, message } = this.errorOnce;
      this.errorOnce = undefined;
      return this.reply(req, status, { error: { code, message } });
    }
    if (url.host === 'api.loganalytics.io') {
      const columns = ['TimeGenerated', 'Message', 'SeverityLevel', 'OperationId', 'Properties'].map((name) => ({ name, type: 'string' }));
      return this.reply(req, 200, { tables: [{ name: 'PrimaryResult', columns, rows: this.traces.map((t) => columns.map((c) => t[c.name])) }] });
    }
    if (url.host.endsWith('.scm.azurewebsites.net')) {
      if (raw instanceof Uint8Array) this.zips.push(Buffer.from(raw));
      return this.reply(req, 200, {});
    }
    if (url.host.endsWith('.azurewebsites.net')) {
      // The app itself: the admin API queues a run (202); an HTTP route answers like the shim would.
      if (path.startsWith('/admin/functions/')) return req.headers.get('x-functions-key') === 'fake-master-key' ? this.reply(req, 202, undefined) : this.reply(req, 401, undefined);
      return this.reply(req, 200, { ok: true, method: req.method, path });
    }
    return this.arm(req, rec);
  }

  private reply(req: PipelineRequest, status: number, json: unknown): PipelineResponse {
    return { request: req, status, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: json === undefined ? '' : JSON.stringify(json) };
  }

  private notFound(req: PipelineRequest, what: string): PipelineResponse {
    return this.reply(req, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${what}' was not found.` } });
  }

  private arm(req: PipelineRequest, rec: Recorded): PipelineResponse {
    const p = rec.path;
    const key = p.toLowerCase();
    const m = req.method;
    if (/\/providers\/microsoft\.storage\/checknameavailability$/.test(key)) {
      const name = rec.body.name as string;
      const taken = this.takenStorageNames.has(name);
      return this.reply(req, 200, { nameAvailable: !taken && !this.has(`/storageaccounts/${name}`), ...(taken ? { reason: 'AlreadyExists', message: 'taken' } : {}) });
    }
    if (/\/providers\/microsoft\.web\/checknameavailability$/.test(key)) {
      const name = rec.body.name as string;
      const taken = this.takenSiteNames.has(name);
      return this.reply(req, 200, { nameAvailable: !taken && !this.has(`/sites/${name}`), ...(taken ? { reason: 'AlreadyExists', message: `Hostname '${name}' already exists.` } : {}) });
    }
    if (key.endsWith('/providers/microsoft.resources/tags/default') && m === 'PATCH') {
      const target = this.resources.get(key.slice(0, -'/providers/microsoft.resources/tags/default'.length));
      if (!target) return this.notFound(req, p);
      target.tags = { ...(target.tags ?? {}), ...rec.body.properties.tags };
      return this.reply(req, 200, { id: p, properties: { tags: target.tags } });
    }
    if (key.endsWith('/config/appsettings/list') && m === 'POST') {
      const site = key.slice(0, -'/config/appsettings/list'.length);
      if (!this.resources.has(site)) return this.notFound(req, p);
      return this.reply(req, 200, { properties: this.appSettings.get(site) ?? {} });
    }
    if (key.endsWith('/lease') && m === 'POST') return this.lease(req, key.slice(0, -'/lease'.length), rec.body);
    if (key.endsWith('/host/default/listkeys') && m === 'POST') return this.reply(req, 200, { masterKey: 'fake-master-key', functionKeys: {} });
    if (/\/resourcegroups\/[^/]+\/resources$/.test(key) && m === 'GET') return this.listGroup(req, key.slice(0, -'/resources'.length), query(rec));
    if (key.endsWith('/providers/microsoft.authorization/roleassignments') && m === 'GET') {
      // RoleAssignments_ListForResourceGroup / _ListForScope: `principalId eq '<id>'` or
      // `assignedTo('<id>')` (the same for a service principal in no group) lists that principal's
      // assignments at, above and below the scope; no filter lists everyone's.
      const filter = rec.query.$filter ?? '';
      const principal = (/principalId eq '([^']+)'/.exec(filter) ?? /assignedTo\('([^']+)'\)/.exec(filter))?.[1];
      const scope = key.slice(0, -'/providers/microsoft.authorization/roleassignments'.length);
      const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`);
      const value = [...this.resources.entries()]
        .filter(([id, r]) => id.includes('/providers/microsoft.authorization/roleassignments/') && (!principal || r.properties.principalId === principal))
        // Like ARM: what is at or below the scope, and what is inherited from above it.
        .filter(([, r]) => {
          const at = String(r.properties.scope).toLowerCase();
          return within(at, scope) || within(scope, at);
        })
        .map(([, r]) => r);
      return this.reply(req, 200, { value });
    }
    if (/\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/.test(key) && m === 'PUT') {
      // ARM keeps one assignment per (scope, role, principal): another name for the same is a 409.
      const scope = p.slice(0, key.indexOf('/providers/microsoft.authorization/')).toLowerCase();
      const role = String(rec.body?.properties?.roleDefinitionId ?? '').split('/').pop()?.toLowerCase();
      const same = [...this.resources.entries()].find(
        ([id, r]) => id !== key && id.includes('/providers/microsoft.authorization/roleassignments/') && String(r.properties.scope).toLowerCase() === scope && String(r.properties.roleDefinitionId).split('/').pop()?.toLowerCase() === role && r.properties.principalId === rec.body?.properties?.principalId,
      );
      if (same) return this.reply(req, 409, { error: { code: 'RoleAssignmentExists', message: 'The role assignment already exists.' } });
      if (this.missingScopes.has(scope)) return this.reply(req, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${scope}' was not found.` } });
    }
    // Lists of child collections: queues, containers, tables, event subscriptions.
    if (m === 'GET' && /\/(queueservices\/default\/queues|blobservices\/default\/containers|tableservices\/default\/tables|eventsubscriptions)$/.test(key)) {
      const value = [...this.resources.entries()].filter(([id]) => id.startsWith(`${key}/`) && !id.slice(key.length + 1).includes('/')).map(([, r]) => r);
      return this.reply(req, 200, { value });
    }
    switch (m) {
      case 'GET': {
        const r = this.resources.get(key);
        return r ? this.reply(req, 200, this.view(key, r)) : this.notFound(req, p);
      }
      case 'PUT':
        return this.reply(req, 200, this.put(key, p, rec.body ?? {}));
      case 'PATCH': {
        const r = this.resources.get(key);
        if (!r) return this.notFound(req, p);
        Object.assign(r, { ...rec.body, properties: { ...(r.properties ?? {}), ...(rec.body?.properties ?? {}) } });
        return this.reply(req, 200, r);
      }
      case 'DELETE': {
        if (!this.resources.has(key)) return this.reply(req, 204, undefined);
        if (this.leases.has(key)) return this.reply(req, 412, { error: { code: 'LeaseIdMissing', message: 'There is currently a lease on the container and no lease ID was specified in the request.' } });
        for (const id of [...this.resources.keys()]) if (id === key || id.startsWith(`${key}/`)) this.resources.delete(id);
        this.appSettings.delete(key);
        return this.reply(req, 204, undefined);
      }
    }
    return this.reply(req, 400, { error: { code: 'BadRequest', message: `fake ARM cannot ${m} ${p}` } });
  }

  /** Container leases as Azure keeps them: one holder; Acquire on a leased container is a 409. */
  readonly leases = new Map<string, string>();
  private leaseCount = 0;

  private lease(req: PipelineRequest, container: string, body: { action: string; leaseId?: string }): PipelineResponse {
    if (!this.resources.has(container)) return this.notFound(req, container);
    const held = this.leases.get(container);
    switch (body.action) {
      case 'Acquire': {
        if (held) return this.reply(req, 409, { error: { code: 'LeaseAlreadyPresent', message: 'There is already a lease present.' } });
        const id = `lease-${++this.leaseCount}`;
        this.leases.set(container, id);
        return this.reply(req, 200, { leaseId: id });
      }
      case 'Renew':
        return held === body.leaseId ? this.reply(req, 200, { leaseId: held }) : this.reply(req, 409, { error: { code: 'LeaseIdMismatchWithLeaseOperation', message: 'mismatch' } });
      case 'Release':
        if (held !== body.leaseId) return this.reply(req, 409, { error: { code: 'LeaseIdMismatchWithLeaseOperation', message: 'mismatch' } });
        this.leases.delete(container);
        return this.reply(req, 200, {});
      case 'Break':
        this.leases.delete(container);
        return this.reply(req, 200, { leaseTimeSeconds: 0 });
    }
    return this.reply(req, 400, { error: { code: 'BadRequest', message: body.action } });
  }

  has(suffix: string): boolean {
    return [...this.resources.keys()].some((k) => k.endsWith(suffix.toLowerCase()));
  }

  /** Put a resource as ARM would store it. */
  put(key: string, path: string, body: Res): Res {
    const segs = path.split('/');
    const name = segs[segs.length - 1];
    const prev = this.resources.get(key);
    const res: Res = { ...body, id: path, name, type: typeOf(path), properties: { ...(body.properties ?? {}), provisioningState: 'Succeeded' } };
    if (body.tags === undefined && prev?.tags) res.tags = prev.tags;
    if (/\/microsoft\.operationalinsights\/workspaces\/[^/]+$/.test(key)) res.properties.customerId = '33333333-3333-3333-3333-333333333333';
    if (/\/microsoft\.insights\/components\/[^/]+$/.test(key)) res.properties.ConnectionString = `InstrumentationKey=44444444-4444-4444-4444-444444444444;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;
    if (/\/microsoft\.managedidentity\/userassignedidentities\//.test(key)) Object.assign(res.properties, { principalId: PRINCIPAL, clientId: CLIENT, tenantId: 'tenant' });
    if (key.includes('/providers/microsoft.authorization/roleassignments/')) res.properties.scope = path.slice(0, path.toLowerCase().indexOf('/providers/microsoft.authorization/'));
    if (/\/microsoft\.web\/sites\/[^/]+$/.test(key)) {
      const settings = Object.fromEntries(((body.properties?.siteConfig?.appSettings ?? []) as Array<{ name: string; value: string }>).map((s) => [s.name, s.value]));
      this.appSettings.set(key, settings);
      delete res.properties.siteConfig;
      Object.assign(res.properties, { defaultHostName: `${name}.azurewebsites.net`, hostNameSslStates: [{ name: `${name}.azurewebsites.net`, hostType: 'Standard' }, { name: `${name}.scm.azurewebsites.net`, hostType: 'Repository' }] });
    }
    this.resources.set(key, res);
    return res;
  }

  private view(_key: string, r: Res): Res {
    return r;
  }

  private listGroup(req: PipelineRequest, rgKey: string, q: { tagName?: string; tagValue?: string }): PipelineResponse {
    const value = [...this.resources.entries()]
      .filter(([id]) => id.startsWith(`${rgKey}/providers/`) && id.slice(rgKey.length + '/providers/'.length).split('/').length === 3)
      .filter(([, r]) => !q.tagName || r.tags?.[q.tagName] === q.tagValue)
      .map(([, r]) => ({ id: r.id, name: r.name, type: r.type, location: r.location, tags: r.tags }));
    return this.reply(req, 200, { value });
  }
}

function query(rec: Recorded): { tagName?: string; tagValue?: string } {
  const f = rec.query.$filter ?? '';
  const m = /tagName eq '([^']+)' and tagValue eq '([^']+)'/.exec(f);
  return m ? { tagName: m[1], tagValue: m[2] } : {};
}

/** `Microsoft.Web/sites` from an ARM id. */
function typeOf(path: string): string {
  const i = path.lastIndexOf('/providers/');
  if (i < 0) return /\/resourceGroups\/[^/]+$/i.test(path) ? 'Microsoft.Resources/resourceGroups' : 'unknown';
  const parts = path.slice(i + '/providers/'.length).split('/');
  const types = [parts[0]];
  for (let j = 1; j < parts.length; j += 2) types.push(parts[j]);
  return types.join('/');
}
