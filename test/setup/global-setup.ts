import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../service/src/db/embedded-postgres.js';
import { createLogger } from '../../service/src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres URL whose user may create databases; test files each create their own database from it. */
    adminDatabaseUrl: string;
  }
}

/**
 * Starts one Postgres for the whole run: DATABASE_URL when set (e.g. the machine's Postgres 15), otherwise an
 * embedded cluster in .data/test-postgres, so a fresh machine needs nothing but npm install.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('adminDatabaseUrl', external);
    return async () => {};
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.resolve('.data/test-postgres'),
    logger: createLogger('warn'),
  });
  project.provide('adminDatabaseUrl', embedded.url);
  return () => embedded.stop();
}
