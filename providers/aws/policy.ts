import type { FunctionSpec, Service } from '../../src/model/service.js';
import { PLACEHOLDERS, queueArn, tableArn } from './session.js';
import type { Names } from './naming.js';

/** An IAM policy statement as sls-x writes it: explicit actions and resources, sorted. */
export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

const P = PLACEHOLDERS.partition;
const R = PLACEHOLDERS.region;
const A = PLACEHOLDERS.account;

function statement(Sid: string, actions: string[], resources: string[]): Statement {
  return { Sid, Effect: 'Allow', Action: [...new Set(actions)].sort(), Resource: [...new Set(resources)].sort() };
}

/** Physical name of a config bucket: the existing one, or the one sls-x creates. */
export function bucketPhysicalName(service: Service, names: Names, bucket: string): string {
  const spec = service.buckets.find((b) => b.name === bucket);
  return spec?.existing ?? names.bucketName(bucket, service.targets.aws?.account);
}

/**
 * The least-privilege inline policy of one function's role: write to its own log group, read
 * the queues it consumes, send to the queues it names, use the buckets it names (and read the
 * bucket that triggers it), use the tables it names as declared, read the secrets it
 * references. Never `*` as action or resource.
 */
export function functionPolicy(service: Service, fn: FunctionSpec, names: Names): PolicyDocument {
  const statements: Statement[] = [
    statement('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`arn:${P}:logs:${R}:${A}:log-group:${names.logGroup(fn.name)}:*`]),
  ];
  const consumed = fn.events.flatMap((e) => (e.kind === 'queue' ? [e.queue] : []));
  if (consumed.length > 0) {
    statements.push(
      statement(
        'ConsumeQueues',
        ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        consumed.map((q) => queueArn(names.queueName(q))),
      ),
    );
  }
  if (fn.sends.length > 0) {
    statements.push(statement('SendQueues', ['sqs:GetQueueUrl', 'sqs:SendMessage'], fn.sends.map((q) => queueArn(names.queueName(q)))));
  }
  const read = new Set<string>();
  const write = new Set<string>();
  for (const b of fn.buckets) {
    if (b.access !== 'write') read.add(b.name);
    if (b.access !== 'read') write.add(b.name);
  }
  for (const e of fn.events) if (e.kind === 'storage') read.add(e.bucket);
  const bucketArn = (b: string): string => `arn:${P}:s3:::${bucketPhysicalName(service, names, b)}`;
  if (read.size > 0) {
    statements.push(statement('ReadBuckets', ['s3:GetObject'], [...read].map((b) => `${bucketArn(b)}/*`)));
    statements.push(statement('ListBuckets', ['s3:ListBucket'], [...read].map(bucketArn)));
  }
  if (write.size > 0) {
    statements.push(statement('WriteBuckets', ['s3:DeleteObject', 's3:PutObject'], [...write].map((b) => `${bucketArn(b)}/*`)));
  }
  // Tables (`tables:` of the function): the table's ARN only, never its indexes or streams.
  // Conditional puts and deletes are PutItem / DeleteItem with a ConditionExpression: no other action.
  const readTables = (fn.tables ?? []).filter((t) => t.access !== 'write').map((t) => tableArn(names.tableName(t.name)));
  const writeTables = (fn.tables ?? []).filter((t) => t.access !== 'read').map((t) => tableArn(names.tableName(t.name)));
  if (readTables.length > 0) statements.push(statement('ReadTables', ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], readTables));
  if (writeTables.length > 0) statements.push(statement('WriteTables', ['dynamodb:DeleteItem', 'dynamodb:PutItem'], writeTables));
  if (fn.secrets.length > 0) {
    statements.push(
      statement(
        'ReadSecrets',
        ['secretsmanager:GetSecretValue'],
        // Secrets Manager appends a random 6-character suffix to every secret ARN.
        fn.secrets.map((s) => `arn:${P}:secretsmanager:${R}:${A}:secret:${secretName(service, s)}-??????`),
      ),
    );
  }
  // Escape hatch: statements written in faas.yaml (`functions.<fn>.targets.aws.iam`), as written.
  (fn.extraIam?.aws ?? []).forEach((st, i) => {
    statements.push({ Sid: `Extra${i + 1}`, Effect: st.effect, Action: [...new Set(st.actions)].sort(), Resource: [...new Set(st.resources)].sort() });
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** Where a function's secret lives in Secrets Manager: `<service>/<stage>/<NAME>`. */
export function secretName(service: Pick<Service, 'service' | 'stage'>, secret: string): string {
  return `${service.service}/${service.stage}/${secret}`;
}

/** The scheduler's role may invoke exactly the functions (or aliases) schedules target. */
export function schedulerPolicy(targets: string[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: [statement('InvokeScheduledFunctions', ['lambda:InvokeFunction'], targets)] };
}
