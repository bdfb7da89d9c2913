import type { DesiredResource } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';
import { TYPES, type Names } from './naming.js';

/** Every table sls-x creates is billed per request (on demand): nothing to size, nothing idle. */
export const TABLE_BILLING = 'PAY_PER_REQUEST';

/** What a replacement of a table (a new key attribute) loses, said in the plan. */
export const TABLE_REPLACE_NOTE = 'DATA IS LOST: the table is deleted with every item in it, then created again empty (DynamoDB cannot change a table\'s key or name)';
/** What deleting a table loses, said in the plan. */
export const TABLE_DELETE_NOTE = 'DATA IS LOST: deleting the table deletes every item in it';

/**
 * One DynamoDB table per `tables:` entry: `<service>-<stage>-<table>`, the table's key attribute
 * as its partition key (a string), on-demand. Its key cannot change in place: a new key
 * attribute is a replacement, and the plan says that it loses the data.
 */
export function desiredTables(service: Service, names: Names): DesiredResource[] {
  return (service.tables ?? []).map((t) => ({
    id: `table:${t.name}`,
    type: TYPES.table,
    props: { name: names.tableName(t.name), key: t.key, billingMode: TABLE_BILLING },
    replaceOn: ['key', 'name'],
    replaceNote: TABLE_REPLACE_NOTE,
  }));
}
