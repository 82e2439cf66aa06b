import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../service/src/db/migrate.js';
import { createPool } from '../../service/src/db/pool.js';
import { createLogger } from '../../service/src/logger.js';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /** A pool on the test database, closed by drop(). */
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

export const silentLogger = createLogger('silent');

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run inside a pool transaction). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file (graphile-worker style isolation): no state leaks between files,
 * and files run in parallel. `migrated: true` applies the app's migrations first.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(inject('adminDatabaseUrl'), name);
  const pool = createPool(url, silentLogger, 5);
  if (options.migrated) await migrate(pool, silentLogger);
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
