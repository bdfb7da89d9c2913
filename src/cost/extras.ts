import { rate, type AwsCatalog, type AzureCatalog, type GcpCatalog } from './catalog.js';
import { allocateProRata, BYTES_PER_GIB, GIB_PER_TIB, HOURS_PER_DAY, PER_100K, PER_10K, PER_MILLION, S_PER_HOUR, tieredCost } from './money.js';
import { line } from './line.js';
import type { CostProfile } from './profile.js';
import type { LineItem } from './result.js';

const BYTES_PER_KB = 1024;

/**
 * Line items for what triggers a function, per provider (docs/cost.md#gateway-queue-scheduler).
 * Account-wide allowances and tiers are shared like the function free tiers: in proportion
 * to usage. Where a trigger costs something the catalog cannot price, the line says so
 * (`notEstimated`) rather than showing a silent $0.
 */
export function awsExtras(profiles: CostProfile[], cat: AwsCatalog, opts: { freeTier: boolean }): Map<string, LineItem[]> {
  const out = new Map<string, LineItem[]>(profiles.map((p) => [p.function, []]));
  // API Gateway HTTP API: tiers on the account's monthly total.
  const http = profiles.map((p) => (p.events.http ? p.requestsPerMonth : 0));
  const httpTotal = http.reduce((a, b) => a + b, 0);
  const httpCost = tieredCost(httpTotal, [
    { upTo: rate(cat, 'httpApiTier1LimitRequests'), rate: rate(cat, 'httpApiTier1PerMillion') / PER_MILLION },
    { upTo: Infinity, rate: rate(cat, 'httpApiTier2PerMillion') / PER_MILLION },
  ]);
  // SQS: a send per 64 KB chunk of each message, plus a receive and a delete per batch.
  const sqs = profiles.map((p) => {
    if (!p.events.queue) return 0;
    const chunks = Math.max(1, Math.ceil(p.events.queue.messageKb / rate(cat, 'sqsMeteringKb')));
    return p.requestsPerMonth * p.events.queue.batchSize * chunks + 2 * p.requestsPerMonth;
  });
  const sqsFree = allocateProRata(opts.freeTier ? rate(cat, 'sqsFreeRequests') : 0, sqs);
  const sched = profiles.map((p) => (p.events.schedule ? p.requestsPerMonth : 0));
  const schedFree = allocateProRata(opts.freeTier ? rate(cat, 'schedulerFreeInvocations') : 0, sched);
  profiles.forEach((p, i) => {
    const items = out.get(p.function)!;
    if (http[i] > 0) {
      items.push(line('gateway', 'API Gateway HTTP API', { quantity: http[i], unit: 'requests', exact: (httpCost * http[i]) / httpTotal, rates: ['aws.httpApiTier1PerMillion', 'aws.httpApiTier2PerMillion', 'aws.httpApiTier1LimitRequests'] }));
    }
    if (sqs[i] > 0) {
      const r = rate(cat, 'sqsStandardPerMillion') / PER_MILLION;
      items.push(line('queue', 'SQS standard requests', { quantity: sqs[i] - sqsFree[i], unit: 'requests', exact: (sqs[i] - sqsFree[i]) * r, freeQuantity: sqsFree[i], freeValue: sqsFree[i] * r, rates: ['aws.sqsStandardPerMillion', 'aws.sqsFreeRequests', 'aws.sqsMeteringKb'] }));
    }
    if (sched[i] > 0) {
      const r = rate(cat, 'schedulerPerMillion') / PER_MILLION;
      items.push(line('scheduler', 'EventBridge Scheduler', { quantity: sched[i] - schedFree[i], unit: 'invocations', exact: (sched[i] - schedFree[i]) * r, freeQuantity: schedFree[i], freeValue: schedFree[i] * r, rates: ['aws.schedulerPerMillion', 'aws.schedulerFreeInvocations'] }));
    }
    // DynamoDB on demand: one RRU per strongly consistent read of an item up to 4 KB (sls-x reads
    // strongly consistent), one WRU per write of an item up to 1 KB. No free tier for on-demand requests.
    const t = tableOps(p);
    if (t.reads > 0) {
      items.push(line('table', 'DynamoDB on-demand reads', { quantity: t.reads, unit: 'read request units', exact: (t.reads * rate(cat, 'dynamodbReadPerMillion')) / PER_MILLION, rates: ['aws.dynamodbReadPerMillion'] }));
    }
    if (t.writes > 0) {
      items.push(line('table', 'DynamoDB on-demand writes', { quantity: t.writes, unit: 'write request units', exact: (t.writes * rate(cat, 'dynamodbWritePerMillion')) / PER_MILLION, rates: ['aws.dynamodbWritePerMillion'] }));
    }
  });
  return out;
}

/** Table reads and writes in the profile's month (`tableReads` / `tableWrites` per request). */
export function tableOps(p: CostProfile): { reads: number; writes: number } {
  return { reads: p.requestsPerMonth * (p.events.table?.readsPerRequest ?? 0), writes: p.requestsPerMonth * (p.events.table?.writesPerRequest ?? 0) };
}

/**
 * Azure: HTTP and timer triggers are part of Functions; Storage queue transactions are not in the
 * catalog. Table Storage bills every table call as one transaction of the stage's storage account
 * (Standard general-purpose v2, LRS), reads and writes at one price, with no free grant.
 */
export function azureExtras(profiles: CostProfile[], cat: AzureCatalog): Map<string, LineItem[]> {
  return new Map(
    profiles.map((p) => {
      const items: LineItem[] = [];
      if (p.events.queue) {
        items.push(line('queue', 'Storage queue transactions', { quantity: p.requestsPerMonth * p.events.queue.batchSize, unit: 'messages', exact: 0, rates: [], notEstimated: 'Azure Storage queue transactions are billed by the storage account and are not in the sls-x catalog' }));
      }
      const t = tableOps(p);
      if (t.reads + t.writes > 0) {
        const n = t.reads + t.writes;
        items.push(line('table', 'Table Storage transactions', { quantity: n, unit: 'transactions (reads + writes)', exact: (n * rate(cat, 'tableTransactionsPer10k')) / PER_10K, rates: ['azure.tableTransactionsPer10k'] }));
      }
      return [p.function, items];
    }),
  );
}

/**
 * GCP: HTTPS triggers are part of Cloud Run functions; Pub/Sub throughput, Cloud Scheduler jobs
 * and Firestore document reads and writes are priced. Firestore's free quota is daily and per
 * project (one database: the stage's, when it is the project's first); over the catalog's month
 * it is the daily figure x days in the month (hoursPerMonth / 24), shared by the service's
 * functions in proportion to their reads (writes), like the other free tiers.
 */
export function gcpExtras(profiles: CostProfile[], cat: GcpCatalog, opts: { freeTier: boolean; secondsPerMonth: number }): Map<string, LineItem[]> {
  const out = new Map<string, LineItem[]>(profiles.map((p) => [p.function, []]));
  // Publish and delivery are both billed throughput, each message at least the minimum size.
  const gib = profiles.map((p) => {
    if (!p.events.queue) return 0;
    const bytes = Math.max(rate(cat, 'pubsubMinBytesPerMessage'), p.events.queue.messageKb * BYTES_PER_KB);
    return (2 * p.requestsPerMonth * p.events.queue.batchSize * bytes) / BYTES_PER_GIB;
  });
  const gibFree = allocateProRata(opts.freeTier ? rate(cat, 'pubsubFreeGib') : 0, gib);
  const jobs = profiles.map((p) => p.events.schedule?.jobs ?? 0);
  const jobsFree = allocateProRata(opts.freeTier ? rate(cat, 'schedulerFreeJobs') : 0, jobs);
  const days = opts.secondsPerMonth / S_PER_HOUR / HOURS_PER_DAY;
  const ops = profiles.map(tableOps);
  const readsFree = allocateProRata(opts.freeTier ? rate(cat, 'firestoreFreeReadsPerDay') * days : 0, ops.map((o) => o.reads));
  const writesFree = allocateProRata(opts.freeTier ? rate(cat, 'firestoreFreeWritesPerDay') * days : 0, ops.map((o) => o.writes));
  profiles.forEach((p, i) => {
    const items = out.get(p.function)!;
    if (gib[i] > 0) {
      const r = rate(cat, 'pubsubPerTib') / GIB_PER_TIB;
      items.push(line('queue', 'Pub/Sub throughput', { quantity: gib[i] - gibFree[i], unit: 'GiB', exact: (gib[i] - gibFree[i]) * r, freeQuantity: gibFree[i], freeValue: gibFree[i] * r, rates: ['gcp.pubsubPerTib', 'gcp.pubsubFreeGib', 'gcp.pubsubMinBytesPerMessage'] }));
    }
    if (jobs[i] > 0) {
      const r = rate(cat, 'schedulerPerJob');
      items.push(line('scheduler', 'Cloud Scheduler jobs', { quantity: jobs[i] - jobsFree[i], unit: 'jobs', exact: (jobs[i] - jobsFree[i]) * r, freeQuantity: jobsFree[i], freeValue: jobsFree[i] * r, rates: ['gcp.schedulerPerJob', 'gcp.schedulerFreeJobs'] }));
    }
    // One collection per table in the stage's database (Native mode): a get is one document
    // read, a put or delete one document write (deletes are not profiled apart: priced as writes).
    if (ops[i].reads > 0) {
      const r = rate(cat, 'firestoreReadsPer100k') / PER_100K;
      const billed = ops[i].reads - readsFree[i];
      items.push(line('table', 'Firestore document reads', { quantity: billed, unit: 'document reads', exact: billed * r, freeQuantity: readsFree[i], freeValue: readsFree[i] * r, rates: ['gcp.firestoreReadsPer100k', 'gcp.firestoreFreeReadsPerDay', 'common.hoursPerMonth'] }));
    }
    if (ops[i].writes > 0) {
      const r = rate(cat, 'firestoreWritesPer100k') / PER_100K;
      const billed = ops[i].writes - writesFree[i];
      items.push(line('table', 'Firestore document writes', { quantity: billed, unit: 'document writes (deletes counted as writes)', exact: billed * r, freeQuantity: writesFree[i], freeValue: writesFree[i] * r, rates: ['gcp.firestoreWritesPer100k', 'gcp.firestoreFreeWritesPerDay', 'common.hoursPerMonth'] }));
    }
  });
  return out;
}

