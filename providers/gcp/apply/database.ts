import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, errorKind, ignoreMissing, mapGcpError } from '../errors.js';
import { DATABASE_MARKER } from '../naming.js';
import { databaseName, markerDocument, ownerOf } from '../observe-firestore.js';
import { finished } from './function.js';
import { notOurs, parents, type ApplyContext, type ResourceApply } from './context.js';

const DELETE_PROTECTION_ENABLED = 'DELETE_PROTECTION_ENABLED';

/** Write the marker document that makes the database this service and stage's (observe-firestore.ts). */
async function writeMarker(c: ApplyContext, name: string): Promise<void> {
  try {
    await c.session.clients.firestore.createDocument({ parent: `${name}/documents`, collectionId: DATABASE_MARKER.collection, documentId: DATABASE_MARKER.document, document: markerDocument(c.session) });
  } catch (err) {
    // Written already (a run interrupted after it): fine when it names this stage.
    if (errorKind(err) !== 'conflict') throw mapGcpError(err, `firestore.documents.createDocument ${name}/documents/${DATABASE_MARKER.collection}`);
    const db = await call(`firestore.databases.get ${name}`, () => c.session.clients.firestore.getDatabase({ name }));
    if (!db || (await ownerOf(c.session, db)) !== 'ours') throw notOurs('Firestore database', name, 'Another service or stage uses this database id: rename the stage, or delete that database.');
  }
}

/**
 * A database of that id exists (ALREADY_EXISTS): ours (its marker says so) is kept; an empty
 * Native-mode one without a marker is what a create leaves when the run is killed before the
 * marker is written (the operation goes on without it), and is taken over; anything else is not ours.
 */
async function adopt(c: ApplyContext, name: string): Promise<void> {
  const db = await call(`firestore.databases.get ${name}`, () => c.session.clients.firestore.getDatabase({ name }));
  if (!db) {
    throw new SlsxError('CLOUD_ERROR', `Firestore says the database '${name}' exists, but it cannot be read: a database of this id was probably deleted less than 5 minutes ago.`, {
      hint: 'Firestore keeps a deleted database id for 5 minutes: deploy again in a few minutes.',
    });
  }
  const owner = await ownerOf(c.session, db);
  if (owner === 'taken') throw notOurs('Firestore database', name, 'It holds data and no sls-x marker: rename the stage, or delete that database.');
  if (String(db.locationId) !== String(c.after.location)) {
    throw new SlsxError('RESOURCE_CONFLICT', `The Firestore database '${name}' is in ${String(db.locationId)}, not in ${String(c.after.location)} where this stage's functions run; a database cannot move.`, {
      hint: 'Deploy the stage to its database\'s region, or `sls-x remove` it first (this deletes its tables\' data).',
    });
  }
  if (owner === 'empty') await writeMarker(c, name);
}

async function create(c: ApplyContext): Promise<void> {
  const name = databaseName(c.session);
  try {
    const [op] = await c.session.clients.firestore.createDatabase({
      parent: parents(c).project,
      databaseId: String(c.after.name),
      database: { locationId: String(c.after.location), type: String(c.after.type), deleteProtectionState: 'DELETE_PROTECTION_DISABLED' },
    });
    await finished(`firestore.databases.create ${name}`, op);
  } catch (err) {
    const kind = errorKind((err as { cause?: unknown }).cause ?? err);
    if (kind === 'conflict') return adopt(c, name);
    if (kind === 'precondition') {
      throw new SlsxError('CLOUD_ERROR', `Firestore refused to create the database '${name}': ${(err as Error).message}`, {
        hint: 'A database id is reserved for 5 minutes after its database is deleted: deploy again in a few minutes. Check that the Firestore API (firestore.googleapis.com) is enabled.',
        cause: err,
      });
    }
    throw err instanceof SlsxError ? err : mapGcpError(err, `firestore.databases.create ${name}`);
  }
  await writeMarker(c, name);
}

/** A Firestore database cannot move or change mode: say so rather than replace it (which would delete every table's data). */
async function update(c: ApplyContext): Promise<void> {
  for (const field of ['location', 'type'] as const) {
    if (c.before[field] !== c.after[field]) {
      throw new SlsxError('RESOURCE_CONFLICT', `The Firestore database '${databaseName(c.session)}' has ${field} ${String(c.before[field])}; this stage wants ${String(c.after[field])}, and a database's ${field} cannot change.`, {
        hint: 'Deploy the stage where its database is, or `sls-x remove` it first (this deletes its tables\' data).',
      });
    }
  }
}

/**
 * Deletes the database and every table's data in it. A database whose delete protection was
 * turned on (by hand: sls-x creates it off) is kept, with a message, as a bucket with objects is.
 */
async function remove(c: ApplyContext): Promise<void> {
  const name = databaseName(c.session);
  const db = await call(`firestore.databases.get ${name}`, () => c.session.clients.firestore.getDatabase({ name }));
  if (!db) return;
  if (db.deleteProtectionState === DELETE_PROTECTION_ENABLED) {
    throw new SlsxError('RESOURCE_CONFLICT', `The Firestore database '${name}' has delete protection turned on, so it was kept (with its tables' data).`, {
      hint: `Turn it off (\`gcloud firestore databases update --database=${String(c.before.name)} --no-delete-protection\`), then run remove again.`,
    });
  }
  await ignoreMissing(`firestore.databases.delete ${name}`, async () => {
    const [op] = await c.session.clients.firestore.deleteDatabase({ name });
    await op.promise();
  });
}

/** The stage's Firestore database (Native mode); its tables are collections in it. */
export const databaseApply: ResourceApply = { create, update, delete: remove };
