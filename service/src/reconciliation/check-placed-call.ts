import { bossDb, type ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { execute, queryRow } from '../db/statement.js';
import type { Conversation } from '../elevenlabs/index.js';
import { recordOutcome } from '../outcomes/index.js';
import {
  type EventWriter,
  eventDedupeKey,
  type IncomingEvent,
  WEBHOOK_PROCESS_QUEUE,
} from '../webhooks/index.js';
import { enqueueWriteback } from '../writeback/index.js';
import type { CallCheckJob } from './call-check-loop.js';
import {
  afterLook,
  callTimingOf,
  type LookResult,
  type NextStep,
  RECHECK_AFTER_SECS,
} from './call-check-policy.js';
import * as q from './queries.js';

/** What processing records for an event it could not match to an attempt (see outcomes/process-call-event.ts). */
const NOT_MATCHED = 'no matching attempt';

export type CheckResult = 'settled' | 'recovered' | 'running' | 'missing' | 'given_up';

/**
 * One look at a placed call that has no outcome yet (the `call-check` job). Finished at the provider: stored
 * exactly as its webhook would have been (same natural key, so a late webhook is a duplicate) and processed the
 * same way. Still running, or not (yet) known to the provider: the next look is scheduled. No trace after several
 * looks over the grace period, or running far past its latest possible end: the attempt ends as failed, its slot
 * is freed and the retry policy decides what follows. A failed lookup throws, and pg-boss retries this call
 * alone: each call is looked at by its own job, so one bad conversation never holds up another.
 */
export async function checkPlacedCall(
  deps: ServiceDeps & { onSlotFreed?: () => void },
  writer: EventWriter,
  job: CallCheckJob,
): Promise<CheckResult> {
  const row = await queryRow(deps.pool, q.LOAD_PLACED_CALL, [job.attemptId, job.portalId]);
  if (row?.status !== 'placed' || row.conversation_id === null) return 'settled';

  const conversation = await deps.elevenlabs.getConversation(row.conversation_id);
  const now = deps.clock.now();
  const look = lookResultOf(conversation);
  const timing = callTimingOf(deps.settings);
  let next = afterLook(
    look,
    {
      placedAtMs: row.placed_at?.getTime() ?? now,
      missingLooks: row.missing_looks,
      missingSinceMs: row.missing_since?.getTime() ?? null,
    },
    now,
    timing,
  );
  if (next.kind === 'recover' && conversation) {
    const recovered = await recover(deps, writer, row.id, conversation, now);
    if (recovered === 'settled') return 'settled';
    next = recovered;
  }

  if (next.kind === 'look_again') {
    // The engine's call-check loop sends the next look when it is due.
    await execute(deps.pool, q.NOTE_LOOK, [
      row.id,
      job.portalId,
      new Date(next.atMs),
      look === 'missing' ? 1 : 0,
      new Date(now),
    ]);
    return look === 'finished' ? 'recovered' : look === 'missing' ? 'missing' : 'running';
  }
  if (next.kind !== 'give_up') return 'settled';
  const result = await recordOutcome(
    deps,
    {
      attemptId: row.id,
      portalId: job.portalId,
      outcome: 'failed',
      endedAtMs: now,
      conversationId: row.conversation_id,
      detail: { reason: next.reason, conversationId: row.conversation_id },
    },
    async (tx) => {
      await enqueueWriteback(tx, deps.boss, { portalId: job.portalId, attemptId: row.id });
    },
  );
  if (!result.applied) return 'settled';
  deps.onSlotFreed?.();
  deps.logger.warn(
    { attemptId: row.id, conversationId: row.conversation_id, reason: next.reason },
    'placed call ended as failed',
  );
  return 'given_up';
}

/**
 * Stores a finished conversation as its webhook would have been; its processing job then records the outcome.
 * One more look follows, which finds the attempt ended. When the event was already stored and processed yet the
 * attempt is still placed: set aside as not ours (it came before we knew), it is processed again; unreadable,
 * the attempt ends as failed rather than hold its slot for ever.
 */
async function recover(
  deps: ServiceDeps,
  writer: EventWriter,
  attemptId: string,
  conversation: Conversation,
  nowMs: number,
): Promise<NextStep | 'settled'> {
  const event = conversationEvent(conversation, nowMs);
  const stored = await writer.write(event);
  if (stored === 'unstorable') return { kind: 'give_up', reason: 'outcome could not be stored' };
  if (stored === 'stored') {
    deps.logger.warn(
      { attemptId, conversationId: conversation.conversation_id },
      'call outcome recovered from ElevenLabs (webhook lost)',
    );
  } else {
    const processed = await queryRow(deps.pool, q.EVENT_STATE, [event.dedupeKey, attemptId]);
    // Its webhook came and was processed while we looked: nothing left to do.
    if (processed?.attempt_status !== 'placed') return 'settled';
    if (processed.processed_at && processed.process_error?.startsWith(NOT_MATCHED)) {
      // Its webhook came before we knew the conversation was ours (and without our attempt id), and was set
      // aside as not ours: now that the attempt carries the conversation id, process it again.
      await withTransaction(deps.pool, async (tx) => {
        await execute(tx, q.REOPEN_EVENT, [processed.id]);
        await deps.boss.send(
          WEBHOOK_PROCESS_QUEUE.name,
          { eventId: Number(processed.id) },
          { db: bossDb(tx) },
        );
      });
    } else if (processed.processed_at) {
      deps.logger.error(
        { attemptId, conversationId: conversation.conversation_id, error: processed.process_error },
        "the call's post-call event was processed without settling it",
      );
      return { kind: 'give_up', reason: 'outcome unreadable' };
    }
  }
  return { kind: 'look_again', atMs: nowMs + RECHECK_AFTER_SECS * deps.settings.providerTimeScale * 1000 };
}

function lookResultOf(conversation: Conversation | null): LookResult {
  if (conversation === null) return 'missing';
  if (conversation.status === 'done' || conversation.status === 'failed') return 'finished';
  return conversation.status === 'processing' ? 'processing' : 'running';
}

/** The conversation as the post-call webhook would have carried it. */
function conversationEvent(conversation: Conversation, nowMs: number): IncomingEvent {
  return {
    eventType: 'post_call_transcription',
    conversationId: conversation.conversation_id,
    dedupeKey: eventDedupeKey('post_call_transcription', conversation.conversation_id, ''),
    eventTimestamp: new Date(nowMs),
    source: 'reconciliation',
    body: JSON.stringify({
      type: 'post_call_transcription',
      event_timestamp: Math.floor(nowMs / 1000),
      data: conversation,
    }),
  };
}
