import type { ScheduleEvent, StorageEvent } from './index.js';

/**
 * Decodes an object key as S3 notifications send it: form-encoded, so `+` is a space and
 * `%2B` a plus. A malformed escape leaves the key as received rather than failing.
 */
export function decodeFormKey(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Builds a {@link StorageEvent}, dropping sizes that are not finite numbers. */
export function createStorageEvent(init: {
  bucket: string;
  key: string;
  type: 'created' | 'deleted';
  size?: number | string;
  etag?: string;
  time?: string;
}): StorageEvent {
  const ev: StorageEvent = { bucket: init.bucket, key: init.key, type: init.type };
  const size = typeof init.size === 'string' ? Number(init.size) : init.size;
  if (size !== undefined && Number.isFinite(size)) ev.size = size;
  if (init.etag) ev.etag = init.etag.replace(/^"|"$/g, '');
  if (init.time) ev.time = init.time;
  return ev;
}

/** Builds a {@link ScheduleEvent}; `time` defaults to now. */
export function createScheduleEvent(init: {
  id: string;
  time?: string | number | Date;
  expression?: string;
  input?: unknown;
  now?: () => number;
}): ScheduleEvent {
  const raw = init.time ?? (init.now ?? Date.now)();
  const d = raw instanceof Date ? raw : new Date(raw);
  const time = Number.isNaN(d.getTime()) ? new Date((init.now ?? Date.now)()).toISOString() : d.toISOString();
  const ev: ScheduleEvent = { id: init.id, time };
  if (init.expression !== undefined) ev.expression = init.expression;
  if (init.input !== undefined) ev.input = init.input;
  return ev;
}

/**
 * True when a storage event is one the function asked for (`on`, `prefix`, `suffix` of any of
 * its storage events). For platforms whose triggers filter by bucket only (GCP Eventarc), so
 * the handler never sees keys the config excluded.
 */
export function wantsStorageEvent(specs: ReadonlyArray<{ on: ReadonlyArray<string>; prefix?: string; suffix?: string }>, ev: { key: string; type: string }): boolean {
  return specs.some((s) => s.on.includes(ev.type) && (!s.prefix || ev.key.startsWith(s.prefix)) && (!s.suffix || ev.key.endsWith(s.suffix)));
}
