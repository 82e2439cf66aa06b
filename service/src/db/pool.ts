import pg from 'pg';
import type { Logger } from '../logger.js';

// Postgres int8 (bigint, count(*)) arrives as a string by default; our counts fit comfortably in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// numeric stays a string on purpose (money): callers convert where they mean it.

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export function createPool(connectionString: string, logger: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'fundraising-service',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => logger.warn({ err }, 'idle Postgres connection lost'));
  // Nor may a checked-out one: pg-pool listens for errors on idle clients only, and a client held across other
  // work (a transaction's client while it enqueues a job, the write-back's session-locked client while HubSpot
  // answers) emits 'error' when Postgres restarts under it; unheard, that is an uncaught exception. Its pending
  // query fails on its own; released with that error, the pool drops it.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger.warn({ err }, 'Postgres connection lost while in use'));
  });
  return pool;
}

/** Runs fn in one transaction; rolls back on any error so nothing is half-written. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A client whose ROLLBACK failed may still be inside the transaction: it goes, rather than back to the pool.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: unknown) =>
        rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)),
    );
    throw error;
  } finally {
    client.release(broken);
  }
}

/** True when the database answers within the timeout. Used by the readiness probe. */
export async function databaseAnswers(pool: pg.Pool, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = pool
    .query('SELECT 1')
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
