import { inject } from 'vitest';
import { createLogger } from '../../service/src/logger.js';
import { adminQuery as adminQueryOn, createDatabase, type TestDatabase } from './run-postgres.js';

export type { TestDatabase } from './run-postgres.js';

export const silentLogger = createLogger('silent');

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run inside a pool transaction). */
export function adminQuery(sql: string): Promise<void> {
  return adminQueryOn(inject('adminDatabaseUrl'), sql);
}

/**
 * A fresh database for one test file (graphile-worker style isolation): no state leaks between files, and files
 * run in parallel. It is a copy of the run's template, so the app's migrations and pg-boss's schema are already
 * there; `empty: true` gives a database with nothing in it (migration tests).
 */
export function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  return createDatabase(inject('adminDatabaseUrl'), {
    prefix: 't',
    ...(options.empty ? {} : { template: inject('templateDatabase') }),
  });
}
