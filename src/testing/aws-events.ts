/**
 * AWS events as Lambda delivers them (shapes of the payloads AWS publishes: API Gateway HTTP API
 * payload 2.0, SQS, S3 notifications, EventBridge Scheduler), for tests of code that reads
 * native events or of the AWS shim itself. Every field a consumer may read is present.
 */

const ACCOUNT = '123456789012';

function isoNoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** An API Gateway HTTP API (payload format 2.0) request event. */
export function apiGatewayV2(init: {
  method?: string;
  path?: string;
  routeKey?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  cookies?: string[];
  pathParameters?: Record<string, string>;
  body?: string | Uint8Array;
  requestId?: string;
  sourceIp?: string;
  region?: string;
  time?: number;
} = {}): Record<string, unknown> {
  const method = (init.method ?? 'GET').toUpperCase();
  const path = init.path ?? '/';
  const region = init.region ?? 'us-east-1';
  const time = init.time ?? Date.now();
  const query = new URLSearchParams(init.query ?? {});
  const binary = init.body instanceof Uint8Array;
  return {
    version: '2.0',
    routeKey: init.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString: query.toString(),
    ...(init.cookies?.length ? { cookies: init.cookies } : {}),
    headers: { host: `api-id.execute-api.${region}.amazonaws.com`, ...Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) },
    ...(init.query && Object.keys(init.query).length ? { queryStringParameters: { ...init.query } } : {}),
    ...(init.pathParameters ? { pathParameters: { ...init.pathParameters } } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'api-id',
      domainName: `api-id.execute-api.${region}.amazonaws.com`,
      domainPrefix: 'api-id',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: init.sourceIp ?? '192.0.2.1', userAgent: 'sls-x-testing' },
      requestId: init.requestId ?? `req-${time}`,
      routeKey: init.routeKey ?? `${method} ${path}`,
      stage: '$default',
      time: new Date(time).toUTCString(),
      timeEpoch: time,
    },
    ...(init.body !== undefined ? { body: binary ? Buffer.from(init.body as Uint8Array).toString('base64') : init.body } : {}),
    isBase64Encoded: binary,
  };
}

/** An SQS event with one record per body. */
export function sqs(bodies: string[], init: { queue?: string; region?: string; receiveCount?: number; attributes?: Record<string, string>; sentAt?: number } = {}): Record<string, unknown> {
  const region = init.region ?? 'us-east-1';
  const sent = init.sentAt ?? Date.now();
  return {
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i + 1}`,
      receiptHandle: `handle-${i + 1}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(init.receiveCount ?? 1),
        SentTimestamp: String(sent),
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(sent),
      },
      messageAttributes: Object.fromEntries(Object.entries(init.attributes ?? {}).map(([k, v]) => [k, { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' }])),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${ACCOUNT}:${init.queue ?? 'queue'}`,
      awsRegion: region,
    })),
  };
}

/** An S3 notification event; keys are form-encoded as S3 sends them. */
export function s3(objects: Array<{ bucket: string; key: string; type?: 'created' | 'deleted'; size?: number; etag?: string }>, init: { region?: string; time?: number } = {}): Record<string, unknown> {
  const region = init.region ?? 'us-east-1';
  return {
    Records: objects.map((o) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: isoNoMs(init.time ?? Date.now()),
      eventName: o.type === 'deleted' ? 'ObjectRemoved:Delete' : 'ObjectCreated:Put',
      userIdentity: { principalId: 'EXAMPLE' },
      requestParameters: { sourceIPAddress: '192.0.2.1' },
      responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'sls-x',
        bucket: { name: o.bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${o.bucket}` },
        object: {
          key: encodeURIComponent(o.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
          ...(o.type === 'deleted' ? {} : { size: o.size ?? 0, eTag: o.etag ?? 'd41d8cd98f00b204e9800998ecf8427e' }),
          sequencer: '0055AED6DCD90281E5',
        },
      },
    })),
  };
}

/**
 * What sls-x's EventBridge Scheduler schedules deliver: the input sls-x sets on the target, with
 * Scheduler's context attributes (execution id, scheduled time) filled in.
 */
export function schedule(init: { expression?: string; input?: unknown; id?: string; time?: number } = {}): Record<string, unknown> {
  return {
    source: 'sls-x.schedule',
    id: init.id ?? `execution-${init.time ?? Date.now()}`,
    time: isoNoMs(init.time ?? Date.now()),
    ...(init.expression !== undefined ? { expression: init.expression } : {}),
    ...(init.input !== undefined ? { input: init.input } : {}),
  };
}

/** AWS-native event builders. */
export const awsEvents = { apiGatewayV2, sqs, s3, schedule };
