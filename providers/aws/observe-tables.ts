import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import type { ObservedResource } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { callOrMissing } from './errors.js';
import { TYPES } from './naming.js';
import { TABLE_DELETE_NOTE } from './desired-tables.js';
import type { Tagged } from './observe.js';
import { takePrefetched, type Session } from './session.js';

/** The session's DynamoDB client (every real session has one; injected test clients may not). */
export function dynamoClient(session: Session): DynamoDBClient {
  const client = session.clients.dynamodb;
  if (!client) throw new SlsxError('INTERNAL', 'aws adapter: no DynamoDB client in this session.', { hint: 'Pass a `dynamodb` client with the injected AWS clients.' });
  return client;
}

/**
 * The table's props as desired() writes them: its name, its partition key attribute (`name`;
 * `name (N)` when the key is not a string, which no table sls-x made has), billing mode.
 */
export function tableProps(t: TableDescription): Record<string, unknown> {
  const hash = t.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
  const range = t.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  const type = t.AttributeDefinitions?.find((a) => a.AttributeName === hash)?.AttributeType ?? 'S';
  const key = `${hash}${type === 'S' ? '' : ` (${type})`}${range ? ` + sort key ${range}` : ''}`;
  // A table created on demand reports no BillingModeSummary on some endpoints: on-demand is what a
  // summary-less table with zero provisioned throughput is.
  const billingMode = t.BillingModeSummary?.BillingMode ?? (t.ProvisionedThroughput?.ReadCapacityUnits ? 'PROVISIONED' : 'PAY_PER_REQUEST');
  return { name: t.TableName, key, billingMode };
}

/** The stage's tables, found by their tags (the tagging API), read with DescribeTable. */
export async function observeTables(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const tables = tagged.filter((t) => t.arn.includes(':table/') && !t.arn.includes('/', t.arn.indexOf(':table/') + 7));
  if (tables.length === 0) return [];
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const client = dynamoClient(session);
  const found = await Promise.all(
    tables.map(async (t): Promise<ObservedResource | undefined> => {
      const name = t.arn.slice(t.arn.indexOf(':table/') + 7);
      const res = await callOrMissing(`dynamodb:DescribeTable ${name}`, () => takePrefetched(session, `dynamodb:DescribeTable ${name}`, () => client.send(new DescribeTableCommand({ TableName: name }))));
      // Gone (or going: DELETING) since the tagging API listed it: there is nothing to plan for.
      if (!res?.Table || res.Table.TableStatus === 'DELETING') return undefined;
      return { id: t.id, type: TYPES.table, props: tableProps(res.Table), physicalId: res.Table.TableArn ?? t.arn, deleteNote: TABLE_DELETE_NOTE };
    }),
  );
  return found.filter((r): r is ObservedResource => r !== undefined);
}
