/**
 * The control-plane calls the gcp adapter makes, as small interfaces ("ports") shaped like the
 * Google SDK methods they stand for: the gax clients (`@google-cloud/functions`, `/pubsub` v1,
 * `/scheduler`, `/logging`) are passed through as they are; Cloud Storage, IAM service
 * accounts, Cloud Run / Secret Manager IAM policies and the project lookup go through thin
 * wrappers (real-clients.ts, rest-clients.ts). Tests inject fakes of these interfaces through
 * `AdapterContext.clients` (or `{ gcp: ... }`) and assert on the exact requests.
 */

/** A long-running operation as gax returns it: awaited through `promise()`, never by sleeping. */
export interface Operation<T = unknown> {
  name?: string | null;
  promise(): Promise<[T, ...unknown[]]>;
}

/** An IAM policy (the parts sls-x reads and writes). `etag` guards concurrent writes. */
export interface IamPolicy {
  /**
   * `condition` (IAM Conditions, policy version 3): such a binding is someone else's and kept as
   * it is, except on the project's policy, where sls-x's Firestore grants are conditional bindings
   * whose condition's description carries its marker (desired-iam.ts).
   */
  bindings?: Array<{ role?: string | null; members?: string[] | null; condition?: IamCondition | null }> | null;
  etag?: string | Uint8Array | null;
  version?: number | null;
}

/** An IAM condition (a CEL expression: https://cloud.google.com/iam/docs/conditions-overview). */
export interface IamCondition {
  title?: string | null;
  description?: string | null;
  expression?: string | null;
}

/**
 * The IAM policy version sls-x reads and writes: 3, the only one that carries IAM Conditions.
 * A read at a lower version fails (or hides conditions) on a policy that has conditional
 * bindings: https://cloud.google.com/iam/docs/policies#versions
 */
export const IAM_POLICY_VERSION = 3;

export interface IamPolicyApi {
  getIamPolicy(req: { resource: string; options?: { requestedPolicyVersion?: number } }): Promise<[IamPolicy, ...unknown[]]>;
  setIamPolicy(req: { resource: string; policy: IamPolicy }): Promise<[IamPolicy, ...unknown[]]>;
}

/** Cloud Functions v2 (`FunctionServiceClient`). */
export interface FunctionsApi {
  getFunction(req: { name: string }): Promise<[GcfFunction, ...unknown[]]>;
  listFunctions(req: { parent: string; filter?: string }): Promise<[GcfFunction[], ...unknown[]]>;
  createFunction(req: { parent: string; functionId: string; function: GcfFunction }): Promise<[Operation<GcfFunction>, ...unknown[]]>;
  updateFunction(req: { function: GcfFunction; updateMask: { paths: string[] } }): Promise<[Operation<GcfFunction>, ...unknown[]]>;
  deleteFunction(req: { name: string }): Promise<[Operation, ...unknown[]]>;
  generateUploadUrl(req: { parent: string }): Promise<[{ uploadUrl?: string | null; storageSource?: StorageSource | null }, ...unknown[]]>;
}

export interface StorageSource {
  bucket?: string | null;
  object?: string | null;
  generation?: string | number | null;
}

/** The fields of a v2 `Function` sls-x sets or reads. */
export interface GcfFunction {
  name?: string | null;
  description?: string | null;
  labels?: Record<string, string> | null;
  state?: string | number | null;
  url?: string | null;
  environment?: string | number | null;
  buildConfig?: {
    runtime?: string | null;
    entryPoint?: string | null;
    source?: { storageSource?: StorageSource | null } | null;
  } | null;
  serviceConfig?: {
    service?: string | null;
    uri?: string | null;
    availableMemory?: string | null;
    /** vCPU as a string (`0.333`, `1`); sent with every memory change. */
    availableCpu?: string | null;
    timeoutSeconds?: number | null;
    environmentVariables?: Record<string, string> | null;
    secretEnvironmentVariables?: Array<{ key?: string | null; projectId?: string | null; secret?: string | null; version?: string | null }> | null;
    maxInstanceCount?: number | null;
    minInstanceCount?: number | null;
    serviceAccountEmail?: string | null;
    ingressSettings?: string | number | null;
    allTrafficOnLatestRevision?: boolean | null;
  } | null;
  eventTrigger?: {
    trigger?: string | null;
    eventType?: string | null;
    pubsubTopic?: string | null;
    eventFilters?: Array<{ attribute?: string | null; value?: string | null; operator?: string | null }> | null;
    serviceAccountEmail?: string | null;
    retryPolicy?: string | number | null;
    triggerRegion?: string | null;
  } | null;
}

/** Pub/Sub v1 `PublisherClient` (topics, topic IAM, publish). */
export interface PublisherApi extends IamPolicyApi {
  getTopic(req: { topic: string }): Promise<[PubsubTopic, ...unknown[]]>;
  listTopics(req: { project: string }): Promise<[PubsubTopic[], ...unknown[]]>;
  createTopic(req: PubsubTopic): Promise<[PubsubTopic, ...unknown[]]>;
  updateTopic(req: { topic: PubsubTopic; updateMask: { paths: string[] } }): Promise<[PubsubTopic, ...unknown[]]>;
  deleteTopic(req: { topic: string }): Promise<unknown>;
  listTopicSubscriptions(req: { topic: string }): Promise<[string[], ...unknown[]]>;
  publish(req: { topic: string; messages: Array<{ data: Uint8Array | string; attributes?: Record<string, string> }> }): Promise<[{ messageIds?: string[] | null }, ...unknown[]]>;
}

export interface PubsubTopic {
  name?: string | null;
  labels?: Record<string, string> | null;
  messageRetentionDuration?: { seconds?: number | string | null } | null;
}

/** Pub/Sub v1 `SubscriberClient` (the trigger's subscription: dead-lettering, ack deadline). */
export interface SubscriberApi extends IamPolicyApi {
  getSubscription(req: { subscription: string }): Promise<[PubsubSubscription, ...unknown[]]>;
  updateSubscription(req: { subscription: PubsubSubscription; updateMask: { paths: string[] } }): Promise<[PubsubSubscription, ...unknown[]]>;
  /** The dead-letter queue's own pull subscription (sls-x's; the trigger's is Cloud Functions'). */
  createSubscription(req: PubsubSubscription & { labels?: Record<string, string> }): Promise<[PubsubSubscription, ...unknown[]]>;
  deleteSubscription(req: { subscription: string }): Promise<unknown>;
  pull(req: { subscription: string; maxMessages: number; returnImmediately?: boolean }): Promise<[{ receivedMessages?: PulledMessage[] | null }, ...unknown[]]>;
  acknowledge(req: { subscription: string; ackIds: string[] }): Promise<unknown>;
  modifyAckDeadline(req: { subscription: string; ackIds: string[]; ackDeadlineSeconds: number }): Promise<unknown>;
}

export interface PulledMessage {
  ackId?: string | null;
  deliveryAttempt?: number | null;
  message?: { messageId?: string | null; data?: Uint8Array | string | null; attributes?: Record<string, string> | null; publishTime?: { seconds?: number | string | null } | null } | null;
}

export interface PubsubSubscription {
  name?: string | null;
  topic?: string | null;
  ackDeadlineSeconds?: number | null;
  messageRetentionDuration?: { seconds?: number | string | null } | null;
  deadLetterPolicy?: { deadLetterTopic?: string | null; maxDeliveryAttempts?: number | null } | null;
}

/** Cloud Scheduler v1 `CloudSchedulerClient`. Jobs take no labels: their description carries the marker. */
export interface SchedulerApi {
  listJobs(req: { parent: string }): Promise<[SchedulerJob[], ...unknown[]]>;
  getJob(req: { name: string }): Promise<[SchedulerJob, ...unknown[]]>;
  createJob(req: { parent: string; job: SchedulerJob }): Promise<[SchedulerJob, ...unknown[]]>;
  updateJob(req: { job: SchedulerJob; updateMask: { paths: string[] } }): Promise<[SchedulerJob, ...unknown[]]>;
  deleteJob(req: { name: string }): Promise<unknown>;
  pauseJob(req: { name: string }): Promise<[SchedulerJob, ...unknown[]]>;
  resumeJob(req: { name: string }): Promise<[SchedulerJob, ...unknown[]]>;
}

export interface SchedulerJob {
  name?: string | null;
  description?: string | null;
  schedule?: string | null;
  timeZone?: string | null;
  state?: string | number | null;
  httpTarget?: {
    uri?: string | null;
    httpMethod?: string | number | null;
    headers?: Record<string, string> | null;
    body?: Uint8Array | string | null;
    oidcToken?: { serviceAccountEmail?: string | null; audience?: string | null } | null;
  } | null;
}

/** Cloud Storage buckets (a wrapper over `@google-cloud/storage`, shaped like the JSON API). */
export interface StorageApi {
  /** Undefined when the bucket does not exist; throws 403 when it is not ours to see. */
  getBucket(name: string): Promise<GcsBucket | undefined>;
  listBuckets(req: { project: string; labels: Record<string, string> }): Promise<GcsBucket[]>;
  createBucket(req: { project: string; name: string; location: string; labels: Record<string, string> }): Promise<GcsBucket>;
  setBucketLabels(name: string, labels: Record<string, string>): Promise<void>;
  deleteBucket(name: string): Promise<void>;
  getIamPolicy(bucket: string): Promise<IamPolicy>;
  setIamPolicy(bucket: string, policy: IamPolicy): Promise<void>;
  /** Write an object only if it does not exist (`ifGenerationMatch: 0`); false when it does. */
  createObject(bucket: string, key: string, body: string): Promise<boolean>;
  readObject(bucket: string, key: string): Promise<{ body: string; generation: string } | undefined>;
  deleteObject(bucket: string, key: string, generation?: string): Promise<void>;
}

export interface GcsBucket {
  name: string;
  location?: string;
  labels?: Record<string, string>;
  /** Number of the project that owns the bucket. */
  projectNumber?: string;
}

/** IAM service accounts (iam.googleapis.com v1). They take no labels: their description carries the marker. */
export interface ServiceAccountsApi {
  listServiceAccounts(req: { name: string }): Promise<ServiceAccount[]>;
  getServiceAccount(req: { name: string }): Promise<ServiceAccount | undefined>;
  createServiceAccount(req: { name: string; accountId: string; serviceAccount: { displayName: string; description: string } }): Promise<ServiceAccount>;
  patchServiceAccount(req: { name: string; serviceAccount: { displayName: string; description: string }; updateMask: string }): Promise<ServiceAccount>;
  deleteServiceAccount(req: { name: string }): Promise<void>;
}

export interface ServiceAccount {
  name?: string;
  email?: string;
  displayName?: string;
  description?: string;
}

/** A Firestore database (the fields sls-x sets or reads; Firestore databases take no labels). */
export interface FirestoreDatabase {
  name?: string | null;
  locationId?: string | null;
  /** `FIRESTORE_NATIVE` (what sls-x creates) or `DATASTORE_MODE`. */
  type?: string | null;
  deleteProtectionState?: string | null;
  etag?: string | null;
}

/** A Firestore document in REST form: typed `fields` (`{ stringValue }`, `{ integerValue }`, ...). */
export interface FirestoreDocument {
  name?: string | null;
  fields?: Record<string, unknown> | null;
}

/**
 * Firestore (firestore.googleapis.com v1) over REST: the stage's database (create and delete are
 * long-running operations, awaited through `promise()`), and the three data calls the adapter
 * makes on the marker document that says a database is this service and stage's.
 */
export interface FirestoreApi {
  /** Undefined when there is no such database. */
  getDatabase(req: { name: string }): Promise<FirestoreDatabase | undefined>;
  createDatabase(req: { parent: string; databaseId: string; database: FirestoreDatabase }): Promise<[Operation<FirestoreDatabase>, ...unknown[]]>;
  deleteDatabase(req: { name: string }): Promise<[Operation, ...unknown[]]>;
  /** Undefined when there is no such document. */
  getDocument(req: { name: string }): Promise<FirestoreDocument | undefined>;
  createDocument(req: { parent: string; collectionId: string; documentId: string; document: FirestoreDocument }): Promise<FirestoreDocument>;
  /** Top-level collections (`parent` = `projects/<p>/databases/<db>/documents`): is the database empty? */
  listCollectionIds(req: { parent: string; pageSize?: number }): Promise<{ collectionIds?: string[] | null; nextPageToken?: string | null }>;
}

/** Cloud Resource Manager: the project id -> number, and that the credentials can see it. */
export interface ProjectsApi {
  getProject(req: { name: string }): Promise<{ name?: string; projectId?: string; state?: string } | undefined>;
}

/** Cloud Logging v2 `LoggingServiceV2Client.listLogEntries` (autopaginated to `pageSize`). */
export interface LoggingApi {
  listLogEntries(req: { resourceNames: string[]; filter: string; orderBy?: string; pageSize?: number }): Promise<[LogEntry[], ...unknown[]]>;
}

export interface LogEntry {
  timestamp?: { seconds?: number | string | null; nanos?: number | null } | string | null;
  severity?: string | number | null;
  textPayload?: string | null;
  jsonPayload?: Record<string, unknown> | null;
  httpRequest?: { latency?: { seconds?: number | string | null; nanos?: number | null } | string | null; status?: number | null } | null;
  labels?: Record<string, string> | null;
  trace?: string | null;
  resource?: { labels?: Record<string, string> | null } | null;
  logName?: string | null;
}

/** Plain HTTP: the zip PUT to the signed upload URL, and calls to function URLs. */
export interface HttpApi {
  put(url: string, body: Uint8Array, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string>; text: string }>;
  /** An identity token for `audience` (private functions), from the same credentials. */
  idToken?(audience: string): Promise<string>;
}

/** Waiting for long-running operations; tests inject `sleep` so nothing really waits. */
export interface WaitOptions {
  sleep: (ms: number) => Promise<void>;
  /** Attempts for calls that fail until a new service account propagates. */
  propagationAttempts: number;
  /** Sleep that paces calls and backs off throttled ones (pool.ts); tests inject one that returns. */
  pace?: (ms: number) => Promise<void>;
}

export const DEFAULT_WAIT: WaitOptions = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  propagationAttempts: 8,
};

/** Every client the gcp adapter uses. */
export interface GcpClients {
  functions: FunctionsApi;
  run: IamPolicyApi;
  publisher: PublisherApi;
  subscriber: SubscriberApi;
  scheduler: SchedulerApi;
  storage: StorageApi;
  serviceAccounts: ServiceAccountsApi;
  secrets: IamPolicyApi;
  /** IAM policies of service accounts (`projects/-/serviceAccounts/<email>`): who may act as them. */
  accountPolicies: IamPolicyApi;
  projects: ProjectsApi;
  /**
   * The project's IAM policy (Resource Manager v3 `projects.getIamPolicy` / `setIamPolicy`): only
   * for the Firestore grants, conditional on the stage's database (Firestore has no per-database policy).
   */
  projectPolicies: IamPolicyApi;
  firestore: FirestoreApi;
  logging: LoggingApi;
  http: HttpApi;
  wait?: Partial<WaitOptions>;
}

export function waitOptions(clients: GcpClients): WaitOptions {
  return { ...DEFAULT_WAIT, ...clients.wait };
}

/** True when `value` looks like an injected client set (tests, emulators). */
export function isGcpClients(value: unknown): value is GcpClients {
  return !!value && typeof value === 'object' && 'functions' in value && 'serviceAccounts' in value && 'publisher' in value;
}

/** Injected clients: the GcpClients themselves or a per-target record holding them under `gcp`. */
export function pickClients(value: unknown): GcpClients | undefined {
  if (isGcpClients(value)) return value;
  const nested = (value as { gcp?: unknown } | undefined)?.gcp;
  return isGcpClients(nested) ? nested : undefined;
}
