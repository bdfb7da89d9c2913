/**
 * The table client's GCP driver and the adapter's marker-document calls against Google's
 * Firestore emulator (`gcloud emulators firestore start`, or the Firebase emulator suite), an
 * independent implementation of Firestore's REST API, when `FIRESTORE_EMULATOR_HOST` is set:
 * typed values read back exactly, ALREADY_EXISTS / NOT_FOUND / FAILED_PRECONDITION as Firestore
 * sends them mapped to `false`, prefix queries paged by `__name__` with keys above U+F8FF, and the
 * marker document written and read as the adapter does. The emulator has no database admin API
 * (create / delete databases), so those calls are only checked against the fake and the Discovery
 * document. The emulator cannot be installed on the build machines here (it needs the gcloud SDK's
 * Java component or firebase-tools with a JRE), so elsewhere this suite says why it is skipped.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installResourceDriver } from '../../src/runtime/resources.js';
import { tableClient } from '../../src/runtime/tables.js';
import { gcpResources } from '../../templates/shims/common/gcp-resources.js';
import { firestoreRest } from '../../providers/gcp/rest-clients.js';
import { markerDocument } from '../../providers/gcp/observe-firestore.js';

const host = process.env.FIRESTORE_EMULATOR_HOST;
if (!host) console.log('[skipped] gcp Firestore emulator suite: FIRESTORE_EMULATOR_HOST is not set (start `gcloud emulators firestore start --host-port=127.0.0.1:8086` and export FIRESTORE_EMULATOR_HOST=127.0.0.1:8086 to run it).');

describe.skipIf(!host)('gcp tables against the Firestore emulator', () => {
  const project = `slsx-${randomUUID().slice(0, 8)}`;
  const docs = `projects/${project}/databases/(default)/documents`;
  const collection = `t${randomUUID().slice(0, 8)}`;
  const env = { SLSX_FUNCTION_NAME: 'api', SLSX_TABLES: JSON.stringify({ todos: { name: `${docs}/${collection}`, key: 'id', access: 'readwrite' } }) };

  it('the driver: exact values, conditions, prefix pages', async () => {
    installResourceDriver(gcpResources({ FIRESTORE_EMULATOR_HOST: host }));
    try {
      const t = tableClient('todos', env);
      const item = { id: 'a b', n: 42, unsafe: 2 ** 53, f: 1.5, ok: true, nothing: null, tags: ['x', 1, { deep: [true] }], nested: { a: { b: 'c' } }, empty: {}, list: [] };
      expect(await t.put(item)).toBe(true);
      expect(await t.get('a b')).toEqual(item);
      await t.put({ id: 'a b', n: 1 });
      expect(await t.get('a b')).toEqual({ id: 'a b', n: 1 });
      expect(await t.get('nope')).toBeUndefined();
      expect(await t.put({ id: 'k' }, { ifAbsent: true })).toBe(true);
      expect(await t.put({ id: 'k', v: 2 }, { ifAbsent: true })).toBe(false);
      expect(await t.put({ id: 'missing' }, { ifExists: true })).toBe(false);
      expect(await t.get('missing')).toBeUndefined();
      expect(await t.put({ id: 'k', v: 3 }, { ifExists: true })).toBe(true);
      expect(await t.get('k')).toEqual({ id: 'k', v: 3 });
      expect(await t.delete('missing', { ifExists: true })).toBe(false);
      expect(await t.delete('k', { ifExists: true })).toBe(true);
      expect(await t.delete('k')).toBe(true);
      for (const id of ['b', 'ab😀', 'abc', 'ab', 'ab\uffff', 'ac', 'ab.x']) await t.put({ id });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.query({ prefix: 'ab', limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => String(i.id)));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(['ab', 'ab.x', 'abc', 'ab\uffff', 'ab😀']);
      expect((await t.scan({ limit: 100 })).items.map((i) => i.id)).toEqual(['a b', 'ab', 'ab.x', 'abc', 'ab\uffff', 'ab😀', 'ac', 'b']);
    } finally {
      installResourceDriver(undefined);
    }
  });

  it('the adapter\'s marker document: written once, read back, and the database listed as not empty', async () => {
    const fs = firestoreRest({ request: async (o) => {
      const res = await fetch(o.url, { method: o.method, headers: { 'content-type': 'application/json', authorization: 'Bearer owner' }, ...(o.data !== undefined ? { body: JSON.stringify(o.data) } : {}) });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw Object.assign(new Error(JSON.stringify(data)), { status: res.status });
      return { data } as never;
    } }, { FIRESTORE_EMULATOR_HOST: host });
    const marker = markerDocument({ service: 'shop', stage: project });
    await fs.createDocument({ parent: docs, collectionId: '_slsx', documentId: 'owner', document: marker });
    await expect(fs.createDocument({ parent: docs, collectionId: '_slsx', documentId: 'owner', document: marker })).rejects.toMatchObject({ status: 409 });
    expect((await fs.getDocument({ name: `${docs}/_slsx/owner` }))?.fields).toEqual(marker.fields);
    expect(await fs.getDocument({ name: `${docs}/_slsx/none` })).toBeUndefined();
    expect((await fs.listCollectionIds({ parent: docs, pageSize: 1 })).collectionIds?.length).toBe(1);
  });
});
