import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Tests reach only loopback: keep every cloud SDK's credential chain off the instance-metadata
    // address 169.254.169.254 (AWS IMDS, Azure managed identity, GCE metadata). The opt-in live
    // suites (SLSX_IT_AWS / SLSX_IT_AZURE / SLSX_IT_GCP = 1) use the real chains.
    env: {
      // The user-wide cache (the shared runtime module): a folder of the test run's, not the home's.
      SLSX_CACHE_DIR: join(tmpdir(), 'slsx-test-user-cache'),
      ...(process.env.SLSX_IT_AWS === '1' ? {} : { AWS_EC2_METADATA_DISABLED: 'true' }),
      ...(process.env.SLSX_IT_AZURE === '1' ? {} : { AZURE_TOKEN_CREDENTIALS: 'environmentcredential' }),
      ...(process.env.SLSX_IT_GCP === '1' ? {} : { METADATA_SERVER_DETECTION: 'none' }),
    },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
