import { z } from 'zod';
import { realSlackMs } from '../core/clock.js';
import { bossDb, type ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import { defineQueue } from '../jobs/queue-definition.js';
import { WEBHOOK_PROCESS_QUEUE } from '../webhooks/index.js';
import { sendDueCallChecks } from './call-check-loop.js';
import * as q from './queries.js';

/** Every minute (job `outcome-reconcile`): the safety net of the looks at placed calls and of event processing. */
export const RECONCILE_SWEEP_QUEUE = defineQueue('outcome-reconcile', z.object({}).passthrough().nullable(), {
  policy: 'singleton',
  retryLimit: 0,
  expireInSeconds: 300,
});

/** Stored events whose processing job was lost are sent again after this long. */
const UNPROCESSED_EVENT_AGE_MS = 5 * 60_000;
/**
 * A placed call's look this late was sent by no worker's call-check loop (none running?): the sweep sends it. Real
 * time (the loops' own lateness), so realSlackMs on the sandbox's accelerated clock.
 */
const OVERDUE_LOOK_MS = 2 * 60_000;

export interface ReconcileSweepResult {
  readonly requeuedEvents: number;
  readonly overdueLooks: number;
}

/**
 * Sends again what was lost: the processing job of a stored event (retries exhausted, queue purged by an
 * operator), and a placed call's look that no call-check loop sent. Lost webhooks themselves are recovered by each
 * placed call's looks at ElevenLabs (`call-check`).
 */
export async function reconcileSweep(deps: ServiceDeps): Promise<ReconcileSweepResult> {
  const result = await withTransaction(deps.pool, async (tx) => {
    const rows = await queryRows(tx, q.UNPROCESSED_EVENTS, [UNPROCESSED_EVENT_AGE_MS / 1000]);
    if (rows.length) {
      await deps.boss.insert(
        WEBHOOK_PROCESS_QUEUE.name,
        rows.map((r) => ({ data: { eventId: Number(r.id) } })),
        { db: bossDb(tx) },
      );
    }
    const overdueLooks = await sendDueCallChecks(
      deps,
      tx,
      deps.clock.now() - realSlackMs(deps.clock, OVERDUE_LOOK_MS),
    );
    return { requeuedEvents: rows.length, overdueLooks };
  });
  if (result.requeuedEvents || result.overdueLooks)
    deps.logger.warn(result, 'reconciliation sweep sent lost work');
  return result;
}
