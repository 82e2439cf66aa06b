import type { EngineDeps } from '../campaigns/engine-deps.js';
import { bossDb } from '../campaigns/engine-deps.js';
import { withTransaction } from '../db/pool.js';
import { type EventWriter, eventDedupeKey } from './event-writer.js';
import { WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';

/** Stored events whose processing job was lost are sent again after this long. */
const UNPROCESSED_EVENT_AGE_MS = 5 * 60_000;
/** At most this many quiet calls are looked up per run (one GET each); the next run takes the rest. */
const MAX_LOOKUPS = 500;

const UNPROCESSED_EVENTS = `
  SELECT id FROM webhook_events WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1)
   ORDER BY id LIMIT 1000`;
const QUIET_PLACED_CALLS = `
  SELECT id::text, conversation_id FROM call_attempts
   WHERE status = 'placed' AND conversation_id IS NOT NULL AND placed_at < $1
   ORDER BY placed_at LIMIT $2`;

export interface ReconcileResult {
  readonly looked: number;
  readonly recovered: number;
  readonly stillRunning: number;
  readonly missing: number;
  readonly requeuedEvents: number;
}

/**
 * The conversation processor: every ten minutes, calls placed longer ago than the threshold with no outcome yet
 * are fetched from ElevenLabs. A finished one is stored exactly as its webhook would have been (same natural key,
 * so a late webhook and its reconciled twin are one event) and processed the same way; calls still running are
 * left alone. Stored events whose processing job was lost are queued again.
 */
export async function reconcileOutcomes(
  deps: EngineDeps,
  writer: EventWriter,
  options: { quietForMs: number },
): Promise<ReconcileResult> {
  const now = deps.clock.now();
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

  const quiet = await deps.pool.query<{ id: string; conversation_id: string }>(QUIET_PLACED_CALLS, [
    new Date(now - options.quietForMs),
    MAX_LOOKUPS,
  ]);
  let recovered = 0;
  let stillRunning = 0;
  let missing = 0;
  for (const attempt of quiet.rows) {
    const conversation = await deps.elevenlabs.getConversation(attempt.conversation_id);
    if (!conversation) {
      missing += 1;
      continue;
    }
    if (conversation.status !== 'done' && conversation.status !== 'failed') {
      stillRunning += 1;
      continue;
    }
    const stored = await writer.write({
      eventType: 'post_call_transcription',
      conversationId: conversation.conversation_id,
      dedupeKey: eventDedupeKey('post_call_transcription', conversation.conversation_id, ''),
      eventTimestamp: new Date(now),
      source: 'reconciliation',
      payload: JSON.stringify({
        type: 'post_call_transcription',
        event_timestamp: Math.floor(now / 1000),
        data: conversation,
      }),
    });
    if (stored === 'stored') recovered += 1;
  }
  const result = { looked: quiet.rows.length, recovered, stillRunning, missing, requeuedEvents: requeued };
  if (recovered || requeued || missing)
    deps.logger.warn(result, 'outcome reconciliation recovered lost events');
  return result;
}
