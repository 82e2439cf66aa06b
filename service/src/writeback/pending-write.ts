import { CALL_OUTCOMES, type CallOutcome } from '@fundraising/shared';
import type { RowOf } from '../db/statement.js';
import { type OutcomeDetail, parseOutcomeDetail } from './outcome-detail.js';
import type { NEXT_PENDING } from './queries.js';

/** One pending outbox row with the attempt it writes back, as the drain works on it. */
export interface PendingWrite {
  /** The outbox row id (also the drain's cursor). */
  readonly id: number;
  readonly attemptId: string;
  readonly callDone: boolean;
  readonly contactDone: boolean;
  readonly appEventDone: boolean;
  /** When a Calls create for this row went out without a known result; null when none is in doubt. */
  readonly callUnknownAt: Date | null;
  readonly contactId: string;
  readonly phoneE164: string;
  /** null only for an attempt that somehow has no outcome: nothing can be written for it. */
  readonly outcome: CallOutcome | null;
  readonly detail: OutcomeDetail;
  readonly conversationId: string | null;
  readonly campaignName: string;
  /** When the call happened: its start when ElevenLabs reported it, else when it was placed or dialled. */
  readonly callAt: Date;
}

/** A row of NEXT_PENDING. */
export type PendingWriteRow = RowOf<typeof NEXT_PENDING>;

const isOutcome = (value: string | null): value is CallOutcome =>
  value !== null && (CALL_OUTCOMES as readonly string[]).includes(value);

/** The call's time, the same on the engagement and the contact's "last AI call date". */
export function callTime(row: {
  startedAtMs: number | null | undefined;
  placed_at: Date | null;
  dial_started_at: Date | null;
  ended_at: Date | null;
}): Date {
  if (typeof row.startedAtMs === 'number' && Number.isFinite(row.startedAtMs))
    return new Date(row.startedAtMs);
  return row.placed_at ?? row.dial_started_at ?? row.ended_at ?? new Date(0);
}

export function toPendingWrite(row: PendingWriteRow): PendingWrite {
  const detail = parseOutcomeDetail(row.outcome_detail);
  return {
    id: Number(row.id),
    attemptId: row.attempt_id,
    callDone: row.call_done,
    contactDone: row.contact_done,
    appEventDone: row.app_event_done,
    callUnknownAt: row.call_unknown_at,
    contactId: row.contact_id,
    phoneE164: row.phone_e164,
    outcome: isOutcome(row.outcome) ? row.outcome : null,
    detail,
    conversationId: detail.conversationId ?? row.conversation_id,
    campaignName: row.campaign_name,
    callAt: callTime({ ...row, startedAtMs: detail.startedAtMs }),
  };
}
