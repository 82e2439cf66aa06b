import { classificationConfigSchema } from '@fundraising/shared';
import type { ServiceDeps } from '../core/deps.js';
import { parseJsonText } from '../core/json-text.js';
import { execute, queryRow } from '../db/statement.js';
import { conversationAttemptId, type ParsedWebhook, parseElevenLabsWebhook } from '../elevenlabs/index.js';
import { enqueueWriteback } from '../writeback/index.js';
import type { ClassifiedOutcome } from './classified-outcome.js';
import { classifyInitiationFailure, classifyTranscription } from './classify.js';
import * as q from './queries.js';
import { recordOutcome } from './record-outcome.js';

export class AttemptNotYetKnownError extends Error {
  constructor(conversationId: string) {
    super(`no attempt carries conversation ${conversationId} yet (dial answer still on its way?)`);
    this.name = 'AttemptNotYetKnownError';
  }
}

export type ProcessResult = 'recorded' | 'already_recorded' | 'not_ours' | 'ignored' | 'already_processed';

function parseStoredBody(body: string | null): ParsedWebhook {
  if (body === null) return { ok: false, rawType: null, error: 'no body kept' };
  let json: unknown;
  try {
    json = parseJsonText(body);
  } catch (error) {
    return { ok: false, rawType: null, error: `not JSON: ${(error as Error).message}` };
  }
  return parseElevenLabsWebhook(json);
}

/** Unmatched events are retried this long (the dial answer may be late), then treated as not ours. */
const MATCH_PATIENCE_MS = 5 * 60_000;

/**
 * Turns one stored event into an outcome: finds our attempt (by the attempt id we sent as user_id, else by the
 * conversation id, which covers a webhook that beat the dial answer), classifies, then records the outcome, queues
 * the HubSpot write-back and marks the event processed, all in one transaction. Replays and reconciled twins find
 * the attempt already ended and change nothing. Events for calls we did not place (inbound, other agents) are
 * marked processed and left alone.
 */
export async function processCallEvent(
  deps: ServiceDeps & { onSlotFreed?: () => void },
  eventId: number,
): Promise<ProcessResult> {
  const event = await queryRow(deps.pool, q.LOAD_EVENT, [eventId]);
  if (!event || event.processed_at) return 'already_processed';
  const at = new Date(deps.clock.now());
  const done = async (
    error: string | null,
    portalId: number | null = null,
    attemptId: string | null = null,
  ) => {
    await execute(deps.pool, q.MARK_PROCESSED, [eventId, at, error, portalId, attemptId]);
  };

  const parsed = parseStoredBody(event.body);
  if (!parsed.ok) {
    await done(`unreadable: ${parsed.error}`);
    return 'ignored';
  }
  const e = parsed.event;
  if (e.type !== 'post_call_transcription' && e.type !== 'call_initiation_failure') {
    await done(null); // stored and acknowledged; nothing to decide (audio is not kept, unknown types are logged)
    return 'ignored';
  }

  const conversationId = e.data.conversation_id;
  const attemptHint = e.type === 'post_call_transcription' ? conversationAttemptId(e.data) : null;
  const attempt = await queryRow(deps.pool, q.FIND_ATTEMPT, [attemptHint ?? '', conversationId]);
  if (!attempt) {
    const waited = Date.now() - event.received_at.getTime();
    if (waited < MATCH_PATIENCE_MS) throw new AttemptNotYetKnownError(conversationId);
    await done('no matching attempt: not a call we placed');
    return 'not_ours';
  }

  const config = classificationConfigSchema.parse(attempt.classification ?? {});
  const classified: ClassifiedOutcome =
    e.type === 'post_call_transcription'
      ? // A callback time said without an offset is the donor's local time.
        classifyTranscription(
          e.data,
          config,
          attempt.time_zones[0] ? { timeZone: attempt.time_zones[0] } : {},
        )
      : classifyInitiationFailure(e.data);
  const portalId = Number(attempt.portal_id);
  const result = await recordOutcome(
    deps,
    {
      attemptId: attempt.id,
      portalId,
      outcome: classified.outcome,
      endedAtMs: deps.clock.now(),
      conversationId,
      callbackAtMs: classified.callbackAt ? Date.parse(classified.callbackAt) : null,
      detail: { ...classified },
    },
    async (tx) => {
      await enqueueWriteback(tx, deps.boss, { portalId, attemptId: attempt.id });
      await execute(tx, q.MARK_PROCESSED, [eventId, at, null, portalId, attempt.id]);
    },
  );
  if (!result.applied) {
    await done(null, portalId, attempt.id);
    return 'already_recorded';
  }
  deps.onSlotFreed?.();
  deps.logger.info(
    { attemptId: attempt.id, conversationId, outcome: classified.outcome, reason: classified.reason },
    'call outcome recorded',
  );
  return 'recorded';
}
