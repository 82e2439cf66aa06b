import { z } from 'zod';
import { realSlackMs } from '../../core/clock.js';
import { bossDb, type ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { execute, queryRows } from '../../db/statement.js';
import { defineQueue } from '../../jobs/queue-definition.js';
import { RECONCILE_DIAL_QUEUE } from './placement-queue.js';
import * as q from './queries.js';

/** Every minute: nothing may hold a person's line forever because a job was lost. */
export const SWEEP_QUEUE = defineQueue('engine-sweep', z.object({}).passthrough().nullable(), {
  policy: 'singleton',
  retryLimit: 0,
  expireInSeconds: 300,
});

/**
 * These bound real processes (a job waiting for a worker, a worker's death), so they are real time: on the
 * sandbox's accelerated clock they are that many real minutes (realSlackMs), not simulated ones.
 */
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
  const older = (ms: number) => new Date(now - realSlackMs(deps.clock, ms));
  return withTransaction(deps.pool, async (tx) => {
    const released = await queryRows(tx, q.RELEASE_STALE_CLAIMS, [older(STALE_CLAIM_MS), at]);
    if (released.length) {
      await execute(tx, q.REQUEUE_RELEASED_CONTACTS, [released.map((r) => r.campaign_contact_id), at]);
    }
    const toUnknown = await queryRows(tx, q.STALE_DIALING_TO_UNKNOWN, [older(STALE_DIALING_MS), at]);
    const staleUnknown = await queryRows(tx, q.STALE_UNKNOWN, [older(STALE_UNKNOWN_MS)]);
    const reconcile = [...toUnknown, ...staleUnknown];
    if (reconcile.length) {
      await execute(tx, q.TOUCH_ATTEMPTS, [reconcile.map((r) => r.id), at]);
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
      releasedClaims: released.length,
      dialingToUnknown: toUnknown.length,
      unknownRequeued: staleUnknown.length,
    };
    if (reconcile.length || released.length) deps.logger.warn(result, 'swept stuck attempts');
    return result;
  });
}
