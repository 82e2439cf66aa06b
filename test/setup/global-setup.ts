import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, dropDatabase, startRunPostgres } from '../helpers/run-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres URL whose user may create databases; test files each create their own database from it. */
    adminDatabaseUrl: string;
    /** This run's template database: migrated, pg-boss schema and queues created. */
    templateDatabase: string;
  }
}

/**
 * One Postgres for the whole run (DATABASE_URL when set, else an embedded cluster of the run's own), and in it one
 * template database that every test file's database is copied from.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRunPostgres('test-postgres-');
  const template = await createTemplateDatabase(server.adminUrl);
  project.provide('adminDatabaseUrl', server.adminUrl);
  project.provide('templateDatabase', template);
  return async () => {
    await dropDatabase(server.adminUrl, template);
    await server.stop();
  };
}
