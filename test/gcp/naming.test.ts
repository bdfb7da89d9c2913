import { describe, expect, it } from 'vitest';
import { limits } from '../../providers/gcp/limits.js';
import { bucketName, fullBucketName, marker, names, parseMarker } from '../../providers/gcp/naming.js';
import { endpointFor, gaxOptions } from '../../providers/gcp/endpoints.js';

describe('gcp names', () => {
  it('service account ids fit 6-30 characters, stay apart when shortened, and start with a letter', () => {
    const n = names('shop', 'dev');
    expect(n.serviceAccountId('api')).toBe('shop-dev-api');
    const a = n.serviceAccountId('order-confirmation-mailer');
    const b = n.serviceAccountId('order-confirmation-mailer2');
    expect(a).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    expect(a.length).toBeLessThanOrEqual(30);
    expect(a).not.toBe(b);
    expect(names('a', 'b').serviceAccountId('c')).toBe('a-b-c-slsx');
    expect(n.invokerAccountId).toBe('shop-dev--invoker');
  });

  it('limits.ts checks the names naming.ts gives (topics, buckets) and functions unshortened', () => {
    expect(limits.names.queue.physical('shop', 'dev', 'orders')).toBe(names('shop', 'dev').topicName('orders', true));
    expect(limits.names.bucket.physical('shop', 'dev', 'uploads')).toBe(fullBucketName('shop', 'dev', 'uploads'));
    expect(bucketName('shop', 'dev', 'uploads')).toBe(fullBucketName('shop', 'dev', 'uploads'));
    expect(limits.names.function.physical('shop', 'dev', 'api')).toBe(names('shop', 'dev').functionName('api'));
    expect(bucketName('shop', 'dev', 'uploads', 'p1')).not.toBe(bucketName('shop', 'dev', 'uploads', 'p2'));
  });

  it('markers in descriptions round-trip', () => {
    expect(parseMarker(marker('shop', 'dev', 'schedule:nightly:0'))).toEqual({ service: 'shop', stage: 'dev', id: 'schedule:nightly:0' });
    expect(parseMarker('made by hand')).toBeUndefined();
  });
});

describe('gcp endpoints', () => {
  it('SLSX_GCP_ENDPOINT_<API> wins, then gcloud overrides, then the emulator variables; gax goes over HTTP/JSON to them', () => {
    expect(endpointFor('FUNCTIONS', {})).toBe('https://cloudfunctions.googleapis.com');
    expect(endpointFor('FUNCTIONS', { CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: 'http://127.0.0.1:9000/v2/' })).toBe('http://127.0.0.1:9000');
    expect(endpointFor('FUNCTIONS', { SLSX_GCP_ENDPOINT_FUNCTIONS: 'http://127.0.0.1:9100', CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: 'http://x' })).toBe('http://127.0.0.1:9100');
    expect(endpointFor('PUBSUB', { PUBSUB_EMULATOR_HOST: 'localhost:8085' })).toBe('http://localhost:8085');
    expect(endpointFor('STORAGE', { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:4443/' })).toBe('http://127.0.0.1:4443');
    expect(gaxOptions('PUBSUB', { PUBSUB_EMULATOR_HOST: 'localhost:8085' }, 'p')).toEqual({ fallback: 'rest', projectId: 'p', apiEndpoint: 'localhost', port: 8085, protocol: 'http' });
    expect(gaxOptions('SCHEDULER', {})).toEqual({ fallback: 'rest' });
  });
});
