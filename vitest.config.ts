import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages export their TypeScript source under the 'source' condition (see shared/package.json).
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['service/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    // One Postgres for the run (embedded, or DATABASE_URL); each test file gets its own database in it.
    globalSetup: ['test/setup/global-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
  },
});
