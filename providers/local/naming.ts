/**
 * Logical ids and types of what the local cloud runs. Pure. The same ids key the rows of the
 * local cloud's `resources` table, so observe() gives back exactly what apply() stored.
 */
import type { CorsSpec } from '../../src/model/service.js';

export const LOCAL_TYPES = {
  function: 'local:function',
  queue: 'local:queue',
  bucket: 'local:bucket',
  route: 'local:route',
  queueTrigger: 'local:queue-trigger',
  schedule: 'local:schedule',
  storageTrigger: 'local:storage-trigger',
} as const;

/** Instances idle this long are stopped unless `targets.local.idleTimeout` says otherwise. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export type LocalType = (typeof LOCAL_TYPES)[keyof typeof LOCAL_TYPES];

export const functionId = (fn: string): string => `function:${fn}`;
export const queueId = (queue: string): string => `queue:${queue}`;
export const bucketId = (bucket: string): string => `bucket:${bucket}`;
export const routeId = (method: string, path: string): string => `route:${method} ${path}`;
export const queueTriggerId = (fn: string, queue: string): string => `queue-trigger:${fn}:${queue}`;
export const scheduleId = (fn: string, index: number): string => `schedule:${fn}:${index}`;
export const storageTriggerId = (fn: string, bucket: string, index: number): string => `storage-trigger:${fn}:${bucket}:${index}`;

/** Props of each resource type, as desired() builds them and the local cloud stores them. */
export interface FunctionProps {
  handler: string;
  sha256: string;
  /** Folder of the unpacked build, relative to the project root. */
  artifact: string;
  entry: string;
  memory: number;
  timeoutMs: number;
  env: Record<string, string>;
  /** Secret names, read from `<root>/.env` when an instance starts; values never stored. */
  secrets: string[];
  concurrency: { max: number | null; warm: number };
  /** Idle instances are stopped after this long (`targets.local.idleTimeout`). */
  idleTimeoutMs: number;
  /** Queues it may send to (`sends:`); the local cloud refuses any other. */
  sends?: string[];
  /** Buckets it may use and how (`buckets:`). */
  buckets?: Array<{ name: string; access: 'read' | 'write' | 'readwrite' }>;
  /** Tables it may use, how, and their key attributes (`tables:`). */
  tables?: Array<{ name: string; access: 'read' | 'write' | 'readwrite'; key: string }>;
}
export interface QueueProps {
  visibilityTimeoutMs: number;
  maxRetries: number;
  deadLetter: boolean;
  retentionMs: number;
}
export interface BucketProps {
  existing: string | null;
}
export interface RouteProps {
  function: string;
  method: string;
  path: string;
  /** The gateway answers preflights and adds the CORS headers (`true`: stored by older versions, the defaults). */
  cors: boolean | CorsSpec;
}
export interface QueueTriggerProps {
  function: string;
  queue: string;
  batchSize: number;
  batchWindowMs: number;
}
export interface ScheduleProps {
  function: string;
  expression: string;
  cron: string | null;
  rateMs: number | null;
  timezone: string;
  enabled: boolean;
  input: unknown;
}
export interface StorageTriggerProps {
  function: string;
  bucket: string;
  on: Array<'created' | 'deleted'>;
  prefix: string | null;
  suffix: string | null;
}
