import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Tests reach only loopback: keep the AWS SDK's credential chain off the instance-metadata
    // address (the opt-in live suite, SLSX_IT_AWS=1, may use it).
    env: process.env.SLSX_IT_AWS === '1' ? {} : { AWS_EC2_METADATA_DISABLED: 'true' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
