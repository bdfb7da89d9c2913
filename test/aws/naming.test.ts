import { describe, expect, it } from 'vitest';
import { fit, names, NAME_LIMITS } from '../../providers/aws/naming.js';

describe('aws naming', () => {
  it('keeps short names as they are', () => {
    const n = names('shop', 'dev');
    expect(n.functionName('api')).toBe('shop-dev-api');
    expect(n.roleName('api')).toBe('shop-dev-api');
    expect(n.logGroup('api')).toBe('/aws/lambda/shop-dev-api');
    expect(n.queueName('orders')).toBe('shop-dev-orders');
    expect(n.queueName('orders', true)).toBe('shop-dev-orders-dlq');
    expect(n.rolePath).toBe('/slsx/shop/dev/');
  });

  it('shortens long names deterministically with a hash of the full name, within the limit', () => {
    const n = names('a-very-long-service-name-for-testing', 'production-eu');
    const long = n.functionName('process-incoming-orders-from-partners');
    expect(long.length).toBeLessThanOrEqual(NAME_LIMITS.function);
    expect(long).toMatch(/^a-very-long-service-name-for-testing-production-eu-pr.*-[0-9a-f]{8}$/);
    expect(n.functionName('process-incoming-orders-from-partners')).toBe(long);
    expect(n.functionName('process-incoming-orders-from-partnerz')).not.toBe(long);
    expect(n.queueName('x'.repeat(100), true).length).toBeLessThanOrEqual(NAME_LIMITS.queue);
    expect(n.queueName('x'.repeat(100), true)).toMatch(/-dlq$/);
  });

  it('fit() never returns more than the limit', () => {
    for (let len = 1; len < 150; len += 7) expect(fit('n'.repeat(len), 64).length).toBeLessThanOrEqual(64);
  });

  it('makes bucket names lower-case, global-unique by hash, at most 63 characters', () => {
    const n = names('Shop', 'dev');
    const b = n.bucketName('Uploads_Big');
    expect(b).toMatch(/^shop-dev-uploads-big-[0-9a-f]{8}$/);
    expect(n.bucketName('Uploads_Big', '111111111111')).not.toBe(b);
    expect(names('s'.repeat(60), 'dev').bucketName('b').length).toBeLessThanOrEqual(63);
  });
});
