import type { Queryable } from '../../db/pool.js';
import { execute, queryRow, sql } from '../../db/statement.js';

/**
 * The account-wide hold on dials after ElevenLabs answered 429 with a Retry-After: one row in Postgres, so every
 * worker process waits it out, not only the one that was told (each dial would otherwise earn its own 429 and keep
 * the provider's limit hit). The dispatcher claims nothing while it holds, and a placement checks it in the very
 * statement that commits the attempt as dialling.
 */

const PROVIDER = 'elevenlabs';

const HOLD = sql<never, [provider: string, until: Date, reason: string, at: Date]>(`
  INSERT INTO provider_backoff (provider, until, reason, updated_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (provider) DO UPDATE
     SET until = greatest(provider_backoff.until, $2), reason = $3, updated_at = $4`);

const HELD_UNTIL = sql<{ until: Date }, [provider: string, now: Date]>(`
  SELECT until FROM provider_backoff WHERE provider = $1 AND until > $2`);

/** No dial leaves before `untilMs` (extends a hold already there, never shortens it). */
export async function holdDials(
  db: Queryable,
  untilMs: number,
  reason: string,
  nowMs: number,
): Promise<void> {
  await execute(db, HOLD, [PROVIDER, new Date(untilMs), reason, new Date(nowMs)]);
}

/** When the hold ends, or null when dials may go now. */
export async function dialsHeldUntil(db: Queryable, nowMs: number): Promise<number | null> {
  const row = await queryRow(db, HELD_UNTIL, [PROVIDER, new Date(nowMs)]);
  return row ? row.until.getTime() : null;
}
