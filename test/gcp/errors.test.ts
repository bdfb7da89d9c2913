import { describe, expect, it } from 'vitest';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { isUserCode } from '../../src/errors/codes.js';
import { adapter } from '../../providers/gcp/index.js';
import { mapGcpError } from '../../providers/gcp/errors.js';
import { FakeGcp } from './support/fake-gcp.js';
import { context, fn, service } from './support/service.js';

const gcpError = (message: string, fields: Record<string, unknown> = {}): Error => Object.assign(new Error(message), fields);

describe('gcp adapter: Google errors become clear user errors', () => {
  it.each([
    ['no Application Default Credentials', gcpError('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'), 'CREDENTIALS'],
    ['GOOGLE_APPLICATION_CREDENTIALS names a missing file', gcpError("Unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable: The file at /nope.json does not exist, or it is not a file. ENOENT: no such file or directory, lstat '/nope.json'"), 'CREDENTIALS'],
    ['an expired refresh token', gcpError('invalid_grant', { response: { status: 400 } }), 'CREDENTIALS'],
    ['UNAUTHENTICATED (gax)', gcpError('16 UNAUTHENTICATED: Request had invalid authentication credentials.', { code: 16 }), 'CREDENTIALS'],
    ['PERMISSION_DENIED (gax)', gcpError("7 PERMISSION_DENIED: Permission 'pubsub.topics.create' denied on resource", { code: 7 }), 'ACCESS_DENIED'],
    ['RESOURCE_EXHAUSTED (gax)', gcpError('8 RESOURCE_EXHAUSTED: Quota exceeded for quota metric', { code: 8 }), 'QUOTA_EXCEEDED'],
    ['HTTP 429 (REST)', gcpError('Too Many Requests', { response: { status: 429 } }), 'QUOTA_EXCEEDED'],
  ])('%s', (_what, err, code) => {
    const mapped = mapGcpError(err, 'a call');
    expect(mapped.code).toBe(code);
    expect(isUserCode(mapped.code)).toBe(true);
    expect(mapped.hint).toBeTruthy();
  });

  it('scope() with unreadable credentials refuses with CREDENTIALS and writes nothing', async () => {
    const gcp = new FakeGcp();
    gcp.failNext('projects.getProject', gcpError('Unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable: The file at /nope.json does not exist, or it is not a file.'));
    const err = await adapter.scope(service([fn('api')]), context(gcp)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('CREDENTIALS');
    expect((err as SlsxError).hint).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(gcp.mutatingCalls()).toEqual([]);
  });
});
