import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { PLACE_CALL_QUEUE } from '../../service/src/campaigns/placement/placement-queue.js';
import { bossDb } from '../../service/src/core/deps.js';
import { type Pool, withTransaction } from '../../service/src/db/pool.js';

/**
 * Reference costs measured on the same database, interleaved with the ticks so both see the same noise: what
 * the tick's parts would cost at the very least, done the plainest way.
 */

/** One round trip: the floor under every statement the tick sends. */
export async function timeRoundTrip(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    await client.query('SELECT 1');
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/**
 * A bare claim of `n` due contacts of one campaign (`SELECT ... FOR UPDATE SKIP LOCKED LIMIT n` on the same
 * table and index), in a transaction that is rolled back so nothing changes. Timed from connect to release.
 */
export async function timeBareClaim(pool: Pool, campaignId: string, n: number, at: Date): Promise<number> {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `SELECT id FROM campaign_contacts
        WHERE campaign_id = $1 AND state = 'queued' AND next_attempt_at <= $3
        ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [campaignId, n, at],
    );
    await client.query('ROLLBACK');
    if (rowCount !== n) throw new Error(`bare claim found ${rowCount} rows, expected ${n}`);
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/** `n` placement jobs through pg-boss's insert inside our own transaction, as the tick does; then removed. */
export async function timeBossInsert(pool: Pool, boss: PgBoss, n: number): Promise<number> {
  const jobs = Array.from({ length: n }, () => ({ data: { attemptId: randomUUID(), portalId: 1 } }));
  const started = performance.now();
  await withTransaction(pool, async (tx) => {
    await boss.insert(PLACE_CALL_QUEUE.name, jobs, { db: bossDb(tx) });
  });
  const elapsed = performance.now() - started;
  await boss.deleteAllJobs(PLACE_CALL_QUEUE.name);
  return elapsed;
}
