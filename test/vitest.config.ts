import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    // Brokers run in worker threads with native LMDB; separate processes keep test files isolated.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/protocol/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/fault/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/differential/**/*.test.ts'],
          // Integration tests share the two cores with the brokers they start; one file at a time keeps timings sane.
          fileParallelism: false,
        },
      },
    ],
  },
});
