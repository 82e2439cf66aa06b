import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { createPool, withTransaction } from '../../src/db/pool.js';

/**
 * A connection lost while checked out (Postgres restarted, or the backend killed) under a transaction's client:
 * pg emits 'error' on that client, and pg-pool only listens on idle ones, so without a listener of ours the
 * process would die of an uncaught exception (the Postgres-restart fault run, test/faults/, does this to whole
 * processes). Here: the transaction fails, the process lives, the pool drops the client and carries on.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('a pooled connection lost while in use', () => {
  it('fails that transaction only; the pool drops the client and the next query works', async () => {
    const pool = createPool(db.url, silentLogger, 2);
    try {
      const attempt = withTransaction(pool, async (tx) => {
        const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        // Killed between two statements, while the client is checked out and idle: as a restart does it.
        await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
        await waitUntil(
          async () => !(await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount,
          {
            what: 'the backend to go',
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow();
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok).toBe(1);
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
