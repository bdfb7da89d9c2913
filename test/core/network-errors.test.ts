import { describe, expect, it } from 'vitest';
import { networkCode } from '../../src/errors/network.js';
import { mapAwsError } from '../../providers/aws/errors.js';
import { mapAzureError } from '../../providers/azure/errors.js';
import { mapGcpError } from '../../providers/gcp/errors.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
const wrapped = new Error('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND' }) });

describe('an unreachable endpoint is the user\'s to fix, on every cloud', () => {
  it('finds the network code anywhere in the cause chain', () => {
    expect(networkCode(refused)).toBe('ECONNREFUSED');
    expect(networkCode(wrapped)).toBe('ENOTFOUND');
    expect(networkCode(new AggregateError([new Error('x'), refused]))).toBe('ECONNREFUSED');
    expect(networkCode(new Error('Something else'))).toBeUndefined();
  });

  it.each([
    ['aws', () => mapAwsError(refused, 'lambda:GetFunction shop-dev-api'), /AWS_ENDPOINT_URL/],
    ['azure', () => mapAzureError(wrapped, 'webApps get shop-dev'), /AZURE_RESOURCE_MANAGER_ENDPOINT/],
    ['gcp', () => mapGcpError(refused, 'functions.get api'), /SLSX_GCP_ENDPOINT_/],
  ])('%s: NETWORK (exit 2) naming the call, the code and the endpoint override', (_cloud, map, endpoint) => {
    const err = map();
    expect(err.code).toBe('NETWORK');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/could not be reached during .+ \((ECONNREFUSED|ENOTFOUND)\)/);
    expect(err.hint).toMatch(endpoint);
  });

  it('other failures stay CLOUD_ERROR', () => {
    expect(mapAwsError(new Error('boom'), 'x').code).toBe('CLOUD_ERROR');
  });
});
