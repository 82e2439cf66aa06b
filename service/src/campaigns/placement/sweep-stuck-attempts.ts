import { z } from 'zod';
import { bossDb, type ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { defineQueue } from '../../jobs/queue-definition.js';
import { RECONCILE_DIAL_QUEUE } from './placement-queue.js';

/** Every minute: nothing may hold a person's line forever because a job was lost. */
export const SWEEP_QUEUE = defineQueue('engine-sweep', z.object({}).passthrough().nullable(), {
  policy: 'singleton',
  retryLimit: 0,
  expireInSeconds: 300,
});

/** A claim is only a reservation (no request was sent), so an old one can be released safely. */
const STALE_CLAIM_MS = 10 * 60_000;
/** A worker that died after committing `dialing` and whose job was lost: the call may exist. */
const STALE_DIALING_MS = 15 * 60_000;
/** Reconciliation gave up retrying (or its job was lost): look again. */
const STALE_UNKNOWN_MS = 60 * 60_000;

export interface SweepResult {
  readonly releasedClaims: number;
  readonly dialingToUnknown: number;
  readonly unknownRequeued: number;
}

/**
 * The engine's safety net for lost jobs (retries exhausted, queue deleted by an operator, a bug): stale claims go
 * back to the queue, stale `dialing` attempts become `unknown`, and stale `unknown` attempts get a new
 * reconciliation job. (Placed calls are the reconciliation sweep's.) Without it a contact could wait forever and
 * keep its line marked busy. Without it a contact could wait forever and keep its line marked busy.
 */
export async function sweepStuckAttempts(deps: ServiceDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const at = new Date(now);
  return withTransaction(deps.pool, async (tx) => {
    const released = await tx.query<{ campaign_contact_id: string }>(
      `UPDATE call_attempts SET status = 'not_placed', not_placed_reason = 'stale_claim', updated_at = $2
        WHERE status = 'claimed' AND claimed_at < $1 RETURNING campaign_contact_id`,
      [new Date(now - STALE_CLAIM_MS), at],
    );
    if (released.rows.length) {
      await tx.query(
        `UPDATE campaign_contacts SET state = 'queued', next_attempt_at = $2, wait_reason = 'stale_claim', updated_at = $2
          WHERE id = ANY($1::bigint[]) AND state = 'dialing'`,
        [released.rows.map((r) => r.campaign_contact_id), at],
      );
    }
    const toUnknown = await tx.query<{ id: string; portal_id: string }>(
      `UPDATE call_attempts SET status = 'unknown', not_placed_reason = 'stale_dialing', updated_at = $2
        WHERE status = 'dialing' AND dial_started_at < $1 RETURNING id::text, portal_id`,
      [new Date(now - STALE_DIALING_MS), at],
    );
    const staleUnknown = await tx.query<{ id: string; portal_id: string }>(
      `SELECT id::text, portal_id FROM call_attempts WHERE status = 'unknown' AND updated_at < $1`,
      [new Date(now - STALE_UNKNOWN_MS)],
    );
    const reconcile = [...toUnknown.rows, ...staleUnknown.rows];
    if (reconcile.length) {
      await tx.query(`UPDATE call_attempts SET updated_at = $2 WHERE id = ANY($1::uuid[])`, [
        reconcile.map((r) => r.id),
        at,
      ]);
      await deps.boss.insert(
        RECONCILE_DIAL_QUEUE.name,
        reconcile.map((r) => ({
          data: { attemptId: r.id, portalId: Number(r.portal_id) },
          singletonKey: r.id,
        })),
        { db: bossDb(tx) },
      );
    }
    const result = {
      releasedClaims: released.rows.length,
      dialingToUnknown: toUnknown.rows.length,
      unknownRequeued: staleUnknown.rows.length,
    };
    if (reconcile.length || released.rows.length) deps.logger.warn(result, 'swept stuck attempts');
    return result;
  });
}
