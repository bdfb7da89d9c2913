import { SlsxError } from '../../../src/errors/slsx-error.js';
import { waitOptions } from '../clients.js';
import { call, callOrMissing, isAwsError, isNotFound, mapAwsError } from '../errors.js';
import { TAG_SERVICE, TAG_STAGE } from '../naming.js';
import { dynamoClient, tableProps } from '../observe-tables.js';
import { notOurs, tagList, type ApplyContext, type ResourceApply } from './context.js';

type Dynamo = typeof import('@aws-sdk/client-dynamodb');

/** Wait with the SDK's waiter until the table is ACTIVE (`exists`) or gone (`gone`). */
async function waitFor(c: ApplyContext, sdk: Dynamo, name: string, state: 'exists' | 'gone'): Promise<void> {
  const w = waitOptions(c.session.clients);
  const params = { client: dynamoClient(c.session), minDelay: w.minDelay, maxDelay: w.maxDelay, maxWaitTime: w.maxWaitTime };
  try {
    if (state === 'exists') await sdk.waitUntilTableExists(params, { TableName: name });
    else await sdk.waitUntilTableNotExists(params, { TableName: name });
  } catch (err) {
    throw new SlsxError('CLOUD_ERROR', `The DynamoDB table ${name} did not become ${state === 'exists' ? 'ACTIVE' : 'deleted'} within ${w.maxWaitTime} s: ${(err as Error).message}`, {
      hint: 'Look at the table in the DynamoDB console, then run the command again (every step is idempotent).',
      cause: err,
    });
  }
}

function createInput(c: ApplyContext, name: string) {
  const key = String(c.after.key);
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' as const }],
    KeySchema: [{ AttributeName: key, KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
    // Off, so `remove` (and a table dropped from faas.yaml) can delete it.
    DeletionProtectionEnabled: false,
    Tags: tagList(c.tags),
  };
}

/**
 * A table of that name exists though observe did not find it as ours: one being deleted (a
 * replacement, or a remove that just ran) is waited out and created again; one carrying this
 * stage's tags (an interrupted run, the tagging API lagging) is adopted if its key is the one
 * wanted; anything else is not ours.
 */
async function existing(c: ApplyContext, sdk: Dynamo, name: string): Promise<'create' | 'adopted'> {
  const client = dynamoClient(c.session);
  const got = await callOrMissing(`dynamodb:DescribeTable ${name}`, () => client.send(new sdk.DescribeTableCommand({ TableName: name })));
  const table = got?.Table;
  if (!table || table.TableStatus === 'DELETING') {
    if (table) await waitFor(c, sdk, name, 'gone');
    return 'create';
  }
  const tags = await call(`dynamodb:ListTagsOfResource ${name}`, () => client.send(new sdk.ListTagsOfResourceCommand({ ResourceArn: table.TableArn })));
  const map = Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  if (map[TAG_SERVICE] !== c.session.service || map[TAG_STAGE] !== c.session.stage) {
    throw notOurs('DynamoDB table', name, 'Rename the table in faas.yaml or the stage, or delete that table.');
  }
  if (tableProps(table).key !== String(c.after.key)) {
    throw new SlsxError('RESOURCE_CONFLICT', `The DynamoDB table ${name} exists with the key '${String(tableProps(table).key)}', not '${String(c.after.key)}'.`, {
      hint: 'Run the command again: the new plan replaces the table (its items are lost).',
    });
  }
  await call(`dynamodb:TagResource ${name}`, () => client.send(new sdk.TagResourceCommand({ ResourceArn: table.TableArn, Tags: tagList(c.tags) })));
  return 'adopted';
}

async function create(c: ApplyContext): Promise<void> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = dynamoClient(c.session);
  const name = String(c.after.name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.send(new sdk.CreateTableCommand(createInput(c, name)));
      break;
    } catch (err) {
      if (!isAwsError(err, 'ResourceInUseException') || attempt > 0) throw mapAwsError(err, `dynamodb:CreateTable ${name}`);
      if ((await existing(c, sdk, name)) === 'adopted') break;
    }
  }
  // Functions may use it as soon as the deploy ends: wait until it is ACTIVE.
  await waitFor(c, sdk, name, 'exists');
}

/** Billing mode back to on demand (someone switched it); tags put back. The key and name never change in place. */
async function update(c: ApplyContext): Promise<void> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = dynamoClient(c.session);
  const name = String(c.after.name);
  if (c.before.billingMode !== c.after.billingMode) {
    await call(`dynamodb:UpdateTable ${name}`, () => client.send(new sdk.UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' })));
    await waitFor(c, sdk, name, 'exists');
  }
  const arn = c.physicalId ?? (await call(`dynamodb:DescribeTable ${name}`, () => client.send(new sdk.DescribeTableCommand({ TableName: name })))).Table?.TableArn;
  await call(`dynamodb:TagResource ${name}`, () => client.send(new sdk.TagResourceCommand({ ResourceArn: arn, Tags: tagList(c.tags) })));
}

/** Delete the table and wait until it is gone (a replacement creates one of the same name next). */
async function remove(c: ApplyContext): Promise<void> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = dynamoClient(c.session);
  const name = String(c.before.name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.send(new sdk.DeleteTableCommand({ TableName: name }));
      break;
    } catch (err) {
      if (isNotFound(err)) return;
      if (isAwsError(err, 'ValidationException') && /deletion protection|protected against deletion|DeletionProtectionEnabled/i.test((err as Error).message)) {
        throw new SlsxError('RESOURCE_CONFLICT', `The DynamoDB table ${name} has deletion protection turned on (sls-x creates tables without it), so it was not deleted.`, {
          hint: `Turn it off if its items may go (aws dynamodb update-table --table-name ${name} --no-deletion-protection-enabled), then run the command again.`,
          cause: err,
        });
      }
      // Being created or updated: wait until it is ACTIVE, then delete it.
      if (!isAwsError(err, 'ResourceInUseException') || attempt > 0) throw mapAwsError(err, `dynamodb:DeleteTable ${name}`);
      await waitFor(c, sdk, name, 'exists');
    }
  }
  await waitFor(c, sdk, name, 'gone');
}

/** A DynamoDB table for a faas.yaml table: on demand, its key attribute the partition key (S). */
export const tableApply: ResourceApply = { create, update, delete: remove };
