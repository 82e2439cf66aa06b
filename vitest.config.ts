import { defineConfig } from 'vitest/config';

/** System tests: real processes, real time (bounded by observable progress), whole campaigns. Minutes, not seconds. */
const SYSTEM_TESTS = ['test/**/*.test.ts', 'service/test/campaigns/import/import-100k.test.ts'];

export default defineConfig({
  // Workspace packages export their TypeScript source under the 'source' condition (see shared/package.json).
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    // One Postgres for the run (embedded, or DATABASE_URL); each test file gets its own database in it, copied
    // from one migrated template.
    globalSetup: ['test/setup/global-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['service/**/*.test.ts', 'shared/**/*.test.ts', 'crm-extension/test/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', ...SYSTEM_TESTS],
          // These files mostly wait on Postgres or on a local HTTP server: more at once than there are cores, in
          // worker threads (quicker to start than processes). Each file keeps its own module graph: shared ones
          // (isolate: false) halve the time, but then files leak state into each other (nock, module caches).
          pool: 'threads',
          maxWorkers: 4,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: SYSTEM_TESTS,
          exclude: ['**/node_modules/**', 'test/bench/**'],
          // After the fast ones, two at a time: each runs processes of its own and keeps the cores busy.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
