import type { DesiredResource } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';
import { TYPES, type AzureNames } from './naming.js';

/** What deleting a table loses, said in the plan. */
export const TABLE_DELETE_NOTE = 'DATA IS LOST: deleting the table deletes every item in it';

/**
 * Logical id of a table: its Table Storage name (`table:todos`). Tables take no tags and their
 * names cannot be turned back into faas.yaml names (`order-items` is `orderitems<hash>`), so
 * observe, which knows only what is in the account, names them by what it finds.
 */
export function tableId(physical: string): string {
  return `table:${physical}`;
}

/**
 * One Table Storage table per `tables:` entry, in the stage's storage account. The key attribute
 * is not the table's (Table Storage has no schema): it reaches the functions through
 * `SLSX_FUNCTIONS`, so changing it is an app settings update and items already stored keep the
 * keys they were written under.
 */
export function desiredTables(service: Service, names: AzureNames): DesiredResource[] {
  return (service.tables ?? []).map((t) => {
    const name = names.table(t.name);
    return { id: tableId(name), type: TYPES.table, props: { account: names.storageAccount, name }, dependsOn: ['storage'], replaceOn: ['name'] };
  });
}
