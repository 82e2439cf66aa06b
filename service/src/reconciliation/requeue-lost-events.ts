import type { ServiceDeps } from '../core/deps.js';
import { bossDb } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { WEBHOOK_PROCESS_QUEUE } from '../webhooks/webhook-queues.js';

/** Stored events whose processing job was lost are sent again after this long. */
const UNPROCESSED_EVENT_AGE_MS = 5 * 60_000;

const UNPROCESSED_EVENTS = `
  SELECT id FROM webhook_events WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1)
   ORDER BY id LIMIT 1000`;

export interface ReconcileResult {
  readonly requeuedEvents: number;
}

/**
 * The safety net of event processing (job `outcome-reconcile`): a stored event whose processing job was lost
 * (retries exhausted, queue purged by an operator) is queued again. Lost webhooks themselves are recovered by
 * each placed call's own look at ElevenLabs (`call-check`), and overdue looks by the engine sweep.
 */
export async function reconcileOutcomes(deps: ServiceDeps): Promise<ReconcileResult> {
  const requeued = await withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(UNPROCESSED_EVENTS, [UNPROCESSED_EVENT_AGE_MS / 1000]);
    if (rows.length) {
      await deps.boss.insert(
        WEBHOOK_PROCESS_QUEUE.name,
        rows.map((r) => ({ data: { eventId: Number(r.id) } })),
        { db: bossDb(tx) },
      );
    }
    return rows.length;
  });
  if (requeued) deps.logger.warn({ requeuedEvents: requeued }, 'stored webhook events queued again');
  return { requeuedEvents: requeued };
}
