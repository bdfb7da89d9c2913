import type { FunctionSpec, HttpEventSpec } from '../../src/model/service.js';
import { resolveRoute } from '../../src/runtime/route.js';
import type { InvocationKind, RawHttpRequest, RawQueueMessage, RawScheduleEvent, RawStorageEvent } from './protocol.js';

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/**
 * What `sls-x invoke <fn> --data ...` hands the function, shaped by its first event: an HTTP
 * request (`{ method, path, pathParams, query, headers, body }`, defaults from the route), a queue
 * batch (each array item one message body), a schedule event (data as its input), storage events,
 * or the data as is for a function with no events. Pure.
 */
export function invokeEvent(fn: FunctionSpec, data: unknown, now: Date): { kind: InvocationKind; event: unknown } {
  const first = fn.events[0];
  if (!first) return { kind: 'raw', event: data ?? {} };
  switch (first.kind) {
    case 'http': {
      const d = isObject(data) ? data : data === undefined ? {} : { body: data };
      const method = typeof d.method === 'string' ? d.method.toUpperCase() : first.method === 'ANY' ? 'GET' : first.method;
      const given = stringMap(d.pathParams);
      const path = typeof d.path === 'string' ? d.path : first.path.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => encodeURIComponent(given[name] ?? name));
      // A path given as-is gets its parameters from the function's routes, as the gateway would.
      const routes = fn.events.filter((e): e is HttpEventSpec => e.kind === 'http');
      const resolved = typeof d.path === 'string' ? resolveRoute(routes, method, path) : undefined;
      const pathParams = { ...(resolved?.outcome === 'matched' ? resolved.params : {}), ...given };
      const headers = Object.fromEntries(Object.entries(stringMap(d.headers)).map(([k, v]) => [k.toLowerCase(), v]));
      const body = d.body === undefined ? undefined : asText(d.body);
      if (body !== undefined && !headers['content-type'] && typeof d.body !== 'string') headers['content-type'] = 'application/json';
      const event: RawHttpRequest = {
        method,
        path,
        pathParams,
        query: stringMap(d.query),
        headers,
        ...(body !== undefined ? { body } : {}),
        sourceIp: '127.0.0.1',
      };
      return { kind: 'http', event };
    }
    case 'queue': {
      const items = Array.isArray(data) ? data : [data ?? {}];
      const event: RawQueueMessage[] = items.map((item, i) => ({ id: `invoke-${i + 1}`, body: asText(item), attempt: 1, attributes: {}, enqueuedAt: now.getTime() }));
      return { kind: 'queue', event };
    }
    case 'schedule': {
      const event: RawScheduleEvent = { id: 'invoke', time: now.toISOString(), expression: first.expression, ...(data !== undefined ? { input: data } : first.input !== undefined ? { input: first.input } : {}) };
      return { kind: 'schedule', event };
    }
    case 'storage': {
      const items = Array.isArray(data) ? data : [data ?? {}];
      const event: RawStorageEvent[] = items.map((item) => {
        const d = isObject(item) ? item : { key: String(item) };
        return {
          bucket: typeof d.bucket === 'string' ? d.bucket : first.bucket,
          key: typeof d.key === 'string' ? d.key : `${first.prefix ?? ''}example${first.suffix ?? ''}`,
          ...(typeof d.size === 'number' ? { size: d.size } : {}),
          type: d.type === 'deleted' ? 'deleted' : 'created',
        };
      });
      return { kind: 'storage', event };
    }
  }
}
