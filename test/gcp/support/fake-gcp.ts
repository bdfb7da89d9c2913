import type { FirestoreDatabase, FirestoreDocument, GcfFunction, GcpClients, GcsBucket, IamPolicy, LogEntry, PubsubSubscription, PubsubTopic, SchedulerJob, ServiceAccount } from '../../../providers/gcp/clients.js';

export const PROJECT = 'shop-prod';
export const PROJECT_NUMBER = '123456789012';
export const REGION = 'europe-west1';

/** A Google API error: gax carries a gRPC `code`, REST wrappers an HTTP one. */
export function gcpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

type Fn = (...args: any[]) => any;

/**
 * In-memory Google Cloud: enough of Cloud Functions, IAM, Pub/Sub, Scheduler, Storage, Secret
 * Manager and Logging for whole deploys to run against it. Every call is recorded with its
 * exact request; `failNext` makes the next call of a method fail (an interruption).
 */
export class FakeGcp {
  readonly calls: Array<{ name: string; input: any }> = [];
  private failures = new Map<string, Error[]>();
  accounts = new Map<string, ServiceAccount>();
  functions = new Map<string, GcfFunction>();
  topics = new Map<string, PubsubTopic>();
  subscriptions = new Map<string, PubsubSubscription>();
  jobs = new Map<string, SchedulerJob>();
  buckets = new Map<string, GcsBucket>();
  objects = new Map<string, { body: string; generation: string }>();
  /** IAM policies by resource name (run services, topics, subscriptions, buckets, secrets). */
  policies = new Map<string, IamPolicy>();
  secrets = new Set<string>();
  /** Firestore databases by name (`projects/<p>/databases/<id>`), each with its documents by `<collection>/<id>`. */
  databases = new Map<string, FirestoreDatabase & { documents: Map<string, FirestoreDocument> }>();
  uploads: Array<{ url: string; body: string }> = [];
  published: Array<{ topic: string; data: string; attributes?: Record<string, string> }> = [];
  /**
   * Messages waiting in each subscription, as Pub/Sub keeps them: a publish reaches every
   * subscription of its topic at that moment, and a topic with none drops it. `leasedUntil` is
   * set by a pull (ack deadline) and cleared by a nack (deadline 0); an ack removes the message.
   */
  readonly backlog = new Map<string, Array<{ id: string; data: string; attributes: Record<string, string>; publishSeconds: number; leased: boolean; ackId: string }>>();
  logEntries: LogEntry[] = [];
  httpHandler: (url: string, init: { method: string; headers?: Record<string, string>; body?: string }) => { status: number; headers?: Record<string, string>; text: string } = () => ({ status: 200, text: '{}' });
  /** Times createFunction answers "service account does not exist" before it works (IAM propagation). */
  accountPropagationDelay = 0;
  /** Times createFunction's operation fails with the function left in state FAILED (a failed build). */
  failBuilds = 0;
  sleeps: number[] = [];
  /** Pauses the call pool asked for (pacing, throttle backoff), returned at once. */
  paces: number[] = [];
  private seq = 0;
  readonly clients: GcpClients;

  constructor() {
    this.clients = {
      functions: this.record('functions', this.functionsApi()),
      run: this.record('run', this.iamApi((r) => this.functionForService(r) !== undefined)),
      publisher: this.record('publisher', this.publisherApi()),
      subscriber: this.record('subscriber', this.subscriberApi()),
      scheduler: this.record('scheduler', this.schedulerApi()),
      storage: this.record('storage', this.storageApi()),
      serviceAccounts: this.record('iam', this.accountsApi()),
      secrets: this.record('secrets', this.iamApi((r) => this.secrets.has(r))),
      accountPolicies: this.record('iam', this.iamApi((r) => [...this.accounts.values()].some((a) => r === `projects/-/serviceAccounts/${a.email}`))),
      projects: this.record('projects', { getProject: async ({ name }: { name: string }) => (name === `projects/${PROJECT}` ? { name: `projects/${PROJECT_NUMBER}`, projectId: PROJECT, state: 'ACTIVE' } : undefined) }),
      projectPolicies: this.record('projectPolicies', this.iamApi((r) => r === `projects/${PROJECT}`)),
      firestore: this.record('firestore', this.firestoreApi()),
      logging: this.record('logging', { listLogEntries: async () => [structuredClone(this.logEntries)] }),
      http: this.record('http', {
        put: async (url: string, body: Uint8Array) => {
          this.uploads.push({ url, body: Buffer.from(body).toString() });
          return { status: 200, text: '' };
        },
        request: async (url: string, init: any) => ({ headers: {}, ...this.httpHandler(url, init) }),
        idToken: async (audience: string) => `id-token-for-${audience}`,
      }),
      wait: { sleep: async (ms) => void this.sleeps.push(ms), propagationAttempts: 6, pace: async (ms) => void this.paces.push(ms) },
    };
  }

  private record<T extends Record<string, Fn>>(service: string, impl: T): any {
    const out: Record<string, Fn> = {};
    for (const [method, fn] of Object.entries(impl)) {
      out[method] = async (...args: any[]) => {
        const name = `${service}.${method}`;
        this.calls.push({ name, input: structuredClone(args.length === 1 ? args[0] : args) });
        const queued = this.failures.get(name);
        if (queued && queued.length > 0) throw queued.shift();
        return fn(...args);
      };
    }
    return out;
  }

  failNext(name: string, error: Error = gcpError(14, `injected failure of ${name}`)): void {
    this.failures.set(name, [...(this.failures.get(name) ?? []), error]);
  }

  /** Names of calls that change something (anything but get/list/read/idToken). */
  mutatingCalls(): string[] {
    return this.calls.map((c) => c.name).filter((n) => !/\.(get|list|read|idToken)/.test(n));
  }

  inputs(name: string): any[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  private op<T>(value: T, fail?: Error) {
    return [{ name: `operations/${++this.seq}`, promise: async () => (fail ? Promise.reject(fail) : [structuredClone(value)]) }];
  }

  private functionForService(resource: string): GcfFunction | undefined {
    return [...this.functions.values()].find((f) => f.serviceConfig?.service === resource);
  }

  private iamApi(exists: (resource: string) => boolean) {
    return {
      getIamPolicy: async ({ resource, options }: { resource: string; options?: { requestedPolicyVersion?: number } }) => {
        if (!exists(resource)) throw gcpError(5, `${resource} not found`);
        const policy = this.policies.get(resource) ?? { bindings: [], etag: 'e0' };
        FakeGcp.checkVersion(policy, options?.requestedPolicyVersion ?? 1, 'requested');
        return [structuredClone(policy)];
      },
      setIamPolicy: async ({ resource, policy }: { resource: string; policy: IamPolicy }) => {
        if (!exists(resource)) throw gcpError(5, `${resource} not found`);
        FakeGcp.checkVersion(policy, policy.version ?? 1, 'set');
        this.checkMembers(policy);
        const next = { ...structuredClone(policy), etag: `e${++this.seq}` };
        this.policies.set(resource, next);
        return [structuredClone(next)];
      },
    };
  }

  /**
   * As IAM does (https://cloud.google.com/iam/docs/policies#versions): a policy with conditional
   * bindings can only be read when version 3 is requested, and only written as version 3.
   */
  private static checkVersion(policy: IamPolicy, version: number, what: 'requested' | 'set'): void {
    if ((policy.bindings ?? []).some((b) => b.condition) && version < 3) {
      throw gcpError(3, what === 'requested'
        ? 'The policy contains conditional role bindings: requestedPolicyVersion must be 3.'
        : 'Conditional role bindings need policy version 3.');
    }
  }

  private checkMembers(policy: IamPolicy): void {
    for (const b of policy.bindings ?? []) {
      for (const m of b.members ?? []) {
        const email = m.startsWith('serviceAccount:') ? m.slice('serviceAccount:'.length) : undefined;
        if (email && email.endsWith(`@${PROJECT}.iam.gserviceaccount.com`) && !this.accounts.has(email)) throw gcpError(3, `Service account ${email} does not exist.`);
      }
    }
  }

  private functionsApi() {
    const parentOf = (name: string) => name.split('/functions/')[0];
    return {
      getFunction: async ({ name }: { name: string }) => {
        const f = this.functions.get(name);
        if (!f) throw gcpError(5, `Function ${name} does not exist`);
        return [structuredClone(f)];
      },
      listFunctions: async ({ parent }: { parent: string }) => [[...this.functions.values()].filter((f) => parentOf(String(f.name)) === parent).map((f) => structuredClone(f))],
      generateUploadUrl: async ({ parent }: { parent: string }) => {
        const n = ++this.seq;
        return [{ uploadUrl: `https://storage.fake/upload/${n}?sig=x`, storageSource: { bucket: `gcf-v2-uploads-${PROJECT_NUMBER}-${parent.split('/')[3]}`, object: `${n}.zip` } }];
      },
      createFunction: async ({ parent, functionId, function: f }: { parent: string; functionId: string; function: GcfFunction }) => {
        const name = `${parent}/functions/${functionId}`;
        if (this.functions.has(name)) throw gcpError(6, `Function ${name} already exists`);
        const email = f.serviceConfig?.serviceAccountEmail;
        if (this.accountPropagationDelay > 0) {
          this.accountPropagationDelay--;
          throw gcpError(3, `Service account ${email} does not exist.`);
        }
        if (email && !this.accounts.has(email)) throw gcpError(3, `Service account ${email} does not exist.`);
        const stored = this.materialize(structuredClone(f), name);
        this.functions.set(name, stored);
        if (this.failBuilds > 0) {
          this.failBuilds--;
          stored.state = 'FAILED';
          return this.op(stored, gcpError(3, 'Build failed: npm ERR! injected'));
        }
        return this.op(stored);
      },
      updateFunction: async ({ function: f, updateMask }: { function: GcfFunction; updateMask: { paths: string[] } }) => {
        const name = String(f.name);
        const current = this.functions.get(name);
        if (!current) throw gcpError(5, `Function ${name} does not exist`);
        const next: any = structuredClone(current);
        for (const path of updateMask.paths) {
          const [head, field] = path.split('.');
          const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
          if (!field) next[camel(head)] = structuredClone((f as any)[camel(head)]);
          else next[camel(head)] = { ...(next[camel(head)] ?? {}), [camel(field)]: structuredClone((f as any)[camel(head)]?.[camel(field)]) };
        }
        next.state = 'ACTIVE';
        next.serviceConfig.environmentVariables = { ...(next.serviceConfig.environmentVariables ?? {}), LOG_EXECUTION_ID: 'true' };
        this.functions.set(name, next);
        return this.op(next);
      },
      deleteFunction: async ({ name }: { name: string }) => {
        const f = this.functions.get(name);
        if (!f) throw gcpError(5, `Function ${name} does not exist`);
        this.functions.delete(name);
        this.policies.delete(String(f.serviceConfig?.service));
        for (const [s, sub] of this.subscriptions) if (s.includes(`-${String(f.eventTrigger?.trigger).split('/').pop()}-`)) this.subscriptions.delete(s) && void sub;
        return this.op({});
      },
    };
  }

  /** What Cloud Functions adds: URL, Cloud Run service, LOG_EXECUTION_ID, the Eventarc trigger and its subscription. */
  private materialize(f: GcfFunction, name: string): GcfFunction {
    const [, project, , region, , id] = name.split('/');
    f.name = name;
    f.state = 'ACTIVE';
    f.url = `https://${region}-${project}.cloudfunctions.net/${id}`;
    f.serviceConfig = { ...f.serviceConfig, service: `projects/${project}/locations/${region}/services/${id}`, uri: `https://${id}-abc123-ew.a.run.app`, environmentVariables: { ...(f.serviceConfig?.environmentVariables ?? {}), LOG_EXECUTION_ID: 'true' } };
    if (f.eventTrigger) {
      const trigger = `${id}-${100000 + ++this.seq}`;
      f.eventTrigger = { ...f.eventTrigger, trigger: `projects/${project}/locations/${region}/triggers/${trigger}` };
      if (f.eventTrigger.pubsubTopic) {
        const sub = `projects/${project}/subscriptions/eventarc-${region}-${trigger}-sub-042`;
        this.subscriptions.set(sub, { name: sub, topic: f.eventTrigger.pubsubTopic, ackDeadlineSeconds: 600, messageRetentionDuration: { seconds: 86400 } });
      }
    }
    return f;
  }

  private publisherApi() {
    const api = this.iamApi((r) => this.topics.has(r));
    return {
      ...api,
      getTopic: async ({ topic }: { topic: string }) => {
        const t = this.topics.get(topic);
        if (!t) throw gcpError(5, `Topic ${topic} not found`);
        return [structuredClone(t)];
      },
      listTopics: async ({ project }: { project: string }) => [[...this.topics.values()].filter((t) => String(t.name).startsWith(`${project}/`)).map((t) => structuredClone(t))],
      createTopic: async (t: PubsubTopic) => {
        if (this.topics.has(String(t.name))) throw gcpError(6, 'Topic already exists');
        this.topics.set(String(t.name), structuredClone(t));
        return [structuredClone(t)];
      },
      updateTopic: async ({ topic }: { topic: PubsubTopic }) => {
        const t = this.topics.get(String(topic.name));
        if (!t) throw gcpError(5, 'Topic not found');
        t.labels = structuredClone(topic.labels);
        return [structuredClone(t)];
      },
      deleteTopic: async ({ topic }: { topic: string }) => {
        if (!this.topics.delete(topic)) throw gcpError(5, 'Topic not found');
        this.policies.delete(topic);
        return [{}];
      },
      listTopicSubscriptions: async ({ topic }: { topic: string }) => {
        if (!this.topics.has(topic)) throw gcpError(5, 'Topic not found');
        return [[...this.subscriptions.values()].filter((s) => s.topic === topic).map((s) => String(s.name))];
      },
      publish: async ({ topic, messages }: { topic: string; messages: Array<{ data: Uint8Array | string; attributes?: Record<string, string> }> }) => {
        if (!this.topics.has(topic)) throw gcpError(5, 'Topic not found');
        const ids: string[] = [];
        for (const m of messages) {
          const id = String(++this.seq);
          ids.push(id);
          const data = Buffer.from(m.data).toString();
          this.published.push({ topic, data, attributes: m.attributes });
          for (const sub of this.subscriptions.values()) {
            if (sub.topic !== topic) continue;
            const list = this.backlog.get(String(sub.name)) ?? [];
            list.push({ id, data, attributes: { ...(m.attributes ?? {}) }, publishSeconds: 1_700_000_000 + this.seq, leased: false, ackId: '' });
            this.backlog.set(String(sub.name), list);
          }
        }
        return [{ messageIds: ids }];
      },
    };
  }

  private subscriberApi() {
    return {
      ...this.iamApi((r) => this.subscriptions.has(r)),
      getSubscription: async ({ subscription }: { subscription: string }) => {
        const s = this.subscriptions.get(subscription);
        if (!s) throw gcpError(5, 'Subscription not found');
        return [structuredClone(s)];
      },
      updateSubscription: async ({ subscription, updateMask }: { subscription: PubsubSubscription; updateMask: { paths: string[] } }) => {
        const s = this.subscriptions.get(String(subscription.name));
        if (!s) throw gcpError(5, 'Subscription not found');
        if (updateMask.paths.includes('ack_deadline_seconds')) s.ackDeadlineSeconds = subscription.ackDeadlineSeconds;
        if (updateMask.paths.includes('message_retention_duration')) s.messageRetentionDuration = structuredClone(subscription.messageRetentionDuration);
        if (updateMask.paths.includes('dead_letter_policy')) s.deadLetterPolicy = subscription.deadLetterPolicy ? structuredClone(subscription.deadLetterPolicy) : null;
        return [structuredClone(s)];
      },
      createSubscription: async (sub: PubsubSubscription & { labels?: Record<string, string> }) => {
        if (this.subscriptions.has(String(sub.name))) throw gcpError(6, 'Subscription already exists');
        if (!this.topics.has(String(sub.topic))) throw gcpError(5, 'Topic not found');
        const seconds = Number(sub.messageRetentionDuration?.seconds ?? 604800);
        // pubsub.proto: "Cannot be more than 31 days or less than 10 minutes" (test/contracts/sources).
        if (seconds < 600 || seconds > 31 * 86400) throw gcpError(3, 'messageRetentionDuration must be between 10 minutes and 31 days');
        this.subscriptions.set(String(sub.name), structuredClone(sub));
        return [structuredClone(sub)];
      },
      deleteSubscription: async ({ subscription }: { subscription: string }) => {
        if (!this.subscriptions.delete(subscription)) throw gcpError(5, 'Subscription not found');
        this.backlog.delete(subscription);
        return [{}];
      },
      pull: async ({ subscription, maxMessages }: { subscription: string; maxMessages: number }) => {
        if (!this.subscriptions.has(subscription)) throw gcpError(5, 'Subscription not found');
        const free = (this.backlog.get(subscription) ?? []).filter((m) => !m.leased).slice(0, maxMessages);
        for (const m of free) Object.assign(m, { leased: true, ackId: `ack-${++this.seq}` });
        return [{ receivedMessages: free.map((m) => ({ ackId: m.ackId, message: { messageId: m.id, data: Buffer.from(m.data), attributes: { ...m.attributes }, publishTime: { seconds: m.publishSeconds } } })) }];
      },
      acknowledge: async ({ subscription, ackIds }: { subscription: string; ackIds: string[] }) => {
        const list = this.backlog.get(subscription) ?? [];
        this.backlog.set(subscription, list.filter((m) => !(m.leased && ackIds.includes(m.ackId))));
        return [{}];
      },
      modifyAckDeadline: async ({ subscription, ackIds, ackDeadlineSeconds }: { subscription: string; ackIds: string[]; ackDeadlineSeconds: number }) => {
        for (const m of this.backlog.get(subscription) ?? []) if (ackIds.includes(m.ackId) && ackDeadlineSeconds === 0) m.leased = false;
        return [{}];
      },
    };
  }

  private schedulerApi() {
    const get = (name: string) => {
      const j = this.jobs.get(name);
      if (!j) throw gcpError(5, `Job ${name} not found`);
      return j;
    };
    return {
      listJobs: async ({ parent }: { parent: string }) => [[...this.jobs.values()].filter((j) => String(j.name).startsWith(`${parent}/`)).map((j) => structuredClone(j))],
      getJob: async ({ name }: { name: string }) => [structuredClone(get(name))],
      createJob: async ({ job }: { parent: string; job: SchedulerJob }) => {
        if (this.jobs.has(String(job.name))) throw gcpError(6, 'Job already exists');
        const email = job.httpTarget?.oidcToken?.serviceAccountEmail;
        if (email && !this.accounts.has(email)) throw gcpError(3, `Service account ${email} does not exist.`);
        const stored = { ...structuredClone(job), state: 'ENABLED' };
        this.jobs.set(String(job.name), stored);
        return [structuredClone(stored)];
      },
      updateJob: async ({ job }: { job: SchedulerJob }) => {
        const j = get(String(job.name));
        Object.assign(j, structuredClone(job), { state: j.state });
        return [structuredClone(j)];
      },
      deleteJob: async ({ name }: { name: string }) => {
        get(name);
        this.jobs.delete(name);
        return [{}];
      },
      pauseJob: async ({ name }: { name: string }) => [Object.assign(get(name), { state: 'PAUSED' })],
      resumeJob: async ({ name }: { name: string }) => [Object.assign(get(name), { state: 'ENABLED' })],
    };
  }

  private storageApi() {
    return {
      getBucket: async (name: string) => {
        const b = this.buckets.get(name);
        if (b?.projectNumber === 'forbidden') throw gcpError(403, `caller does not have storage.buckets.get access to ${name}`);
        return b ? structuredClone(b) : undefined;
      },
      listBuckets: async ({ labels }: { project: string; labels: Record<string, string> }) =>
        [...this.buckets.values()].filter((b) => b.projectNumber === PROJECT_NUMBER && Object.entries(labels).every(([k, v]) => b.labels?.[k] === v)).map((b) => structuredClone(b)),
      createBucket: async ({ name, location, labels }: { name: string; location: string; labels: Record<string, string> }) => {
        if (this.buckets.has(name)) throw gcpError(409, 'bucket exists');
        const b = { name, location: location.toUpperCase(), labels: structuredClone(labels), projectNumber: PROJECT_NUMBER };
        this.buckets.set(name, b);
        return structuredClone(b);
      },
      setBucketLabels: async (name: string, labels: Record<string, string>) => {
        const b = this.buckets.get(name);
        if (!b) throw gcpError(404, 'no bucket');
        b.labels = structuredClone(labels);
      },
      deleteBucket: async (name: string) => {
        if (!this.buckets.delete(name)) throw gcpError(404, 'no bucket');
        this.policies.delete(`bucket:${name}`);
      },
      getIamPolicy: async (bucket: string) => {
        if (!this.buckets.has(bucket)) throw gcpError(404, 'no bucket');
        return structuredClone(this.policies.get(`bucket:${bucket}`) ?? { bindings: [], etag: 'e0' });
      },
      setIamPolicy: async (bucket: string, policy: IamPolicy) => {
        if (!this.buckets.has(bucket)) throw gcpError(404, 'no bucket');
        FakeGcp.checkVersion(policy, policy.version ?? 1, 'set');
        this.checkMembers(policy);
        this.policies.set(`bucket:${bucket}`, { ...structuredClone(policy), etag: `e${++this.seq}` });
      },
      createObject: async (bucket: string, key: string, body: string) => {
        if (this.objects.has(`${bucket}/${key}`)) return false;
        this.objects.set(`${bucket}/${key}`, { body, generation: String(++this.seq) });
        return true;
      },
      readObject: async (bucket: string, key: string) => structuredClone(this.objects.get(`${bucket}/${key}`)),
      deleteObject: async (bucket: string, key: string, generation?: string) => {
        const o = this.objects.get(`${bucket}/${key}`);
        if (o && (!generation || o.generation === generation)) this.objects.delete(`${bucket}/${key}`);
      },
    };
  }

  /**
   * Firestore as its REST API behaves for what the adapter calls: database ids checked as
   * Firestore checks them, create and delete as long-running operations, delete refused while
   * delete protection is on; documents created only when absent (409).
   */
  private firestoreApi() {
    const split = (name: string) => {
      const [db, path] = name.split('/documents/');
      return { db: this.databases.get(String(db)), path: String(path ?? '') };
    };
    const strip = ({ documents: _d, ...db }: FirestoreDatabase & { documents: unknown }) => structuredClone(db);
    return {
      getDatabase: async ({ name }: { name: string }) => {
        const db = this.databases.get(name);
        return db ? strip(db) : undefined;
      },
      createDatabase: async ({ parent, databaseId, database }: { parent: string; databaseId: string; database: FirestoreDatabase }) => {
        if (!/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/.test(databaseId)) throw gcpError(400, `Invalid database id: ${databaseId}`);
        if (!database.locationId) throw gcpError(400, 'locationId is required');
        const name = `${parent}/databases/${databaseId}`;
        if (this.databases.has(name)) throw gcpError(409, `Database ${name} already exists`);
        const stored = { name, locationId: database.locationId, type: database.type ?? 'FIRESTORE_NATIVE', deleteProtectionState: database.deleteProtectionState ?? 'DELETE_PROTECTION_DISABLED', etag: `e${++this.seq}` };
        this.databases.set(name, { ...stored, documents: new Map() });
        return this.op(stored);
      },
      deleteDatabase: async ({ name }: { name: string }) => {
        const db = this.databases.get(name);
        if (!db) throw gcpError(404, `Database ${name} not found`);
        if (db.deleteProtectionState === 'DELETE_PROTECTION_ENABLED') throw gcpError(9, 'Delete protection is enabled');
        this.databases.delete(name);
        return this.op({});
      },
      getDocument: async ({ name }: { name: string }) => {
        const { db, path } = split(name);
        const doc = db?.documents.get(path);
        return doc ? structuredClone(doc) : undefined;
      },
      createDocument: async ({ parent, collectionId, documentId, document }: { parent: string; collectionId: string; documentId: string; document: FirestoreDocument }) => {
        const { db } = split(`${parent}/`);
        if (!db) throw gcpError(404, `Database of ${parent} not found`);
        const path = `${collectionId}/${documentId}`;
        if (db.documents.has(path)) throw gcpError(409, `Document already exists: ${parent}/${path}`);
        const doc = { name: `${parent}/${path}`, fields: structuredClone(document.fields ?? {}) };
        db.documents.set(path, doc);
        return structuredClone(doc);
      },
      listCollectionIds: async ({ parent }: { parent: string; pageSize?: number }) => {
        const { db } = split(`${parent}/`);
        if (!db) throw gcpError(404, `Database of ${parent} not found`);
        return { collectionIds: [...new Set([...db.documents.keys()].map((k) => k.split('/')[0]!))].sort() };
      },
    };
  }

  private accountsApi() {
    const emailOf = (name: string) => name.split('/serviceAccounts/')[1];
    return {
      listServiceAccounts: async () => [...this.accounts.values()].map((a) => structuredClone(a)),
      getServiceAccount: async ({ name }: { name: string }) => structuredClone(this.accounts.get(emailOf(name))),
      createServiceAccount: async ({ name, accountId, serviceAccount }: { name: string; accountId: string; serviceAccount: { displayName: string; description: string } }) => {
        const email = `${accountId}@${name.split('/')[1]}.iam.gserviceaccount.com`;
        if (this.accounts.has(email)) throw gcpError(409, `Service account ${accountId} already exists within project`);
        const a = { name: `${name}/serviceAccounts/${email}`, email, ...serviceAccount };
        this.accounts.set(email, a);
        return structuredClone(a);
      },
      patchServiceAccount: async ({ name, serviceAccount }: { name: string; serviceAccount: { displayName: string; description: string } }) => {
        const a = this.accounts.get(emailOf(name));
        if (!a) throw gcpError(404, 'no account');
        Object.assign(a, serviceAccount);
        return structuredClone(a);
      },
      deleteServiceAccount: async ({ name }: { name: string }) => {
        if (!this.accounts.delete(emailOf(name))) throw gcpError(404, 'no account');
      },
    };
  }
}
