import type { ObservedResource } from '../../src/core/resources.js';
import type { FirestoreDatabase, FirestoreDocument } from './clients.js';
import { call } from './errors.js';
import { DATABASE_MARKER, PLACEHOLDERS, TYPES } from './naming.js';
import { DATABASE_ID, FIRESTORE_NATIVE } from './desired.js';
import { resolve, type Session } from './session.js';

/** `projects/<project>/databases/<id>` of the session's stage. */
export function databaseName(session: Session): string {
  return resolve(session.names.databasePath, session);
}

/** The marker document's full name in a database. */
export function markerName(database: string): string {
  return `${database}/documents/${DATABASE_MARKER.collection}/${DATABASE_MARKER.document}`;
}

/** The marker document sls-x writes into a database it created (or took over empty). */
export function markerDocument(session: Pick<Session, 'service' | 'stage'>): FirestoreDocument {
  return {
    fields: {
      service: { stringValue: session.service },
      stage: { stringValue: session.stage },
      note: { stringValue: `Written by sls-x: this database holds the tables of ${session.service}/${session.stage}, and \`sls-x remove\` deletes it with them.` },
    },
  };
}

const text = (doc: FirestoreDocument | undefined, field: string): string | undefined => (doc?.fields?.[field] as { stringValue?: string } | undefined)?.stringValue;

/**
 * Whose an existing database is: `ours` (its marker names this service and stage), `empty` (no
 * marker and no collection at all, a Native-mode database: what a create leaves when the run is
 * killed before it writes the marker, safe to take over), else `taken`. Reads documents: the
 * deploying identity needs `datastore.entities.get` / `.list` there (roles/datastore.owner has them).
 */
export async function ownerOf(session: Session, db: FirestoreDatabase): Promise<'ours' | 'empty' | 'taken'> {
  const name = String(db.name);
  if (db.type && db.type !== FIRESTORE_NATIVE) return 'taken';
  const marker = await call(`firestore.documents.get ${markerName(name)}`, () => session.clients.firestore.getDocument({ name: markerName(name) }));
  if (marker) return text(marker, 'service') === session.service && text(marker, 'stage') === session.stage ? 'ours' : 'taken';
  const listed = await call(`firestore.documents.listCollectionIds ${name}`, () => session.clients.firestore.listCollectionIds({ parent: `${name}/documents`, pageSize: 1 }));
  return (listed.collectionIds ?? []).length === 0 ? 'empty' : 'taken';
}

/** The database props in the desired shape (the functions' region as its placeholder). */
export function databaseProps(session: Session, db: FirestoreDatabase): Record<string, unknown> {
  const location = String(db.locationId ?? '');
  return { name: String(db.name ?? '').split('/').pop(), location: location === session.region ? PLACEHOLDERS.region : location, type: db.type ?? undefined };
}

/**
 * The stage's Firestore database, when the config has tables or a deployed function still uses
 * some (`SLSX_TABLES`): found by its id (`<service>-<stage>`) and kept only when its marker
 * document names this service and stage. Read-only.
 */
export async function observeDatabase(session: Session, functions: ObservedResource[]): Promise<ObservedResource[]> {
  const used = functions.some((f) => (f.props.env as Record<string, string> | undefined)?.SLSX_TABLES);
  if (!session.tables && !used) return [];
  const name = databaseName(session);
  const db = await call(`firestore.databases.get ${name}`, () => session.clients.firestore.getDatabase({ name }));
  if (!db || (await ownerOf(session, db)) !== 'ours') return [];
  return [{ id: DATABASE_ID, type: TYPES.database, props: databaseProps(session, db), physicalId: name }];
}
