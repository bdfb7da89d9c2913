import { awsError } from './fake-errors.js';
import { ACCOUNT, REGION, type FakeAws, type Handler } from './fake-aws.js';

/** A table as the fake holds it (the control plane only: items are tested against moto). */
export interface FakeTable {
  name: string;
  arn: string;
  keySchema: Array<{ AttributeName: string; KeyType: string }>;
  attributes: Array<{ AttributeName: string; AttributeType: string }>;
  billingMode: string;
  deletionProtection: boolean;
  /** ACTIVE, or CREATING for `creatingPolls` DescribeTable calls after CreateTable. */
  status: string;
  creatingPolls: number;
}

export function tableArn(name: string): string {
  return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
}

/**
 * DynamoDB's control plane as moto 5.2 answers it: CreateTable refuses an existing name
 * (ResourceInUseException) and key attributes without a definition (ValidationException);
 * DescribeTable of a missing table is ResourceNotFoundException (400); DeleteTable refuses a
 * table with deletion protection (ValidationException) and removes it at once; tags are the
 * tagging API's (so observe finds tables by them).
 */
export function dynamodbHandlers(aws: FakeAws): Record<string, Handler> {
  const notFound = (name: string) => awsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`, 400);
  const get = (name: string): FakeTable => {
    const t = aws.tables.get(name);
    if (!t) throw notFound(name);
    return t;
  };
  const byArn = (arn: string): FakeTable => {
    const t = [...aws.tables.values()].find((x) => x.arn === arn);
    if (!t) throw awsError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`, 400);
    return t;
  };
  const describe = (t: FakeTable) => ({
    TableName: t.name,
    TableArn: t.arn,
    TableStatus: t.status,
    KeySchema: t.keySchema,
    AttributeDefinitions: t.attributes,
    BillingModeSummary: { BillingMode: t.billingMode },
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    DeletionProtectionEnabled: t.deletionProtection,
    ItemCount: 0,
  });
  const tags = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((x) => [x.Key, x.Value]));
  return {
    CreateTable: (i) => {
      if (aws.tables.has(i.TableName)) throw awsError('ResourceInUseException', `Table already exists: ${i.TableName}`, 400);
      for (const k of i.KeySchema ?? []) {
        if (!(i.AttributeDefinitions ?? []).some((a: any) => a.AttributeName === k.AttributeName)) {
          throw awsError('ValidationException', 'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions.', 400);
        }
      }
      const t: FakeTable = {
        name: i.TableName,
        arn: tableArn(i.TableName),
        keySchema: i.KeySchema,
        attributes: i.AttributeDefinitions,
        billingMode: i.BillingMode ?? 'PROVISIONED',
        deletionProtection: i.DeletionProtectionEnabled === true,
        status: aws.tableCreatingPolls > 0 ? 'CREATING' : 'ACTIVE',
        creatingPolls: aws.tableCreatingPolls,
      };
      aws.tables.set(t.name, t);
      aws.tagResource(t.arn, tags(i.Tags));
      return { TableDescription: describe(t) };
    },
    DescribeTable: (i) => {
      const t = get(i.TableName);
      const out = describe(t);
      if (t.status === 'CREATING' && --t.creatingPolls <= 0) t.status = 'ACTIVE';
      return { Table: out };
    },
    UpdateTable: (i) => {
      const t = get(i.TableName);
      if (i.BillingMode) t.billingMode = i.BillingMode;
      if (i.DeletionProtectionEnabled !== undefined) t.deletionProtection = i.DeletionProtectionEnabled;
      return { TableDescription: describe(t) };
    },
    DeleteTable: (i) => {
      const t = get(i.TableName);
      if (t.deletionProtection) throw awsError('ValidationException', `1 validation error detected: Table '${t.name}' can't be deleted while DeletionProtectionEnabled is set to True`, 400);
      aws.tables.delete(t.name);
      aws.tags.delete(t.arn);
      return { TableDescription: { ...describe(t), TableStatus: 'DELETING' } };
    },
    TagResource: (i) => void aws.tagResource(byArn(i.ResourceArn).arn, tags(i.Tags)),
    ListTagsOfResource: (i) => ({ Tags: Object.entries(aws.tags.get(byArn(i.ResourceArn).arn) ?? {}).map(([Key, Value]) => ({ Key, Value })) }),
  };
}
