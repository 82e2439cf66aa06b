import type { CallOutcome } from '@fundraising/shared';

/**
 * What one finished call amounts to, derived from its post-call event. Stored with the attempt
 * (call_attempts.outcome_detail) and used by the HubSpot write-back, so it carries everything a fundraiser sees on
 * the contact's timeline: the outcome, pledge details, the summary and transcript, and the call's facts.
 */
export interface ClassifiedOutcome {
  readonly outcome: CallOutcome;
  /** Why this outcome, in a few words (which signal decided), for ops and the timeline. */
  readonly reason: string;
  readonly pledgeAmount: number | null;
  /** e.g. one_time, monthly (as collected). */
  readonly pledgeFrequency: string | null;
  /** ISO 8601, when the donor asked to be called back and a time was collected. */
  readonly callbackAt: string | null;
  readonly conversationId: string;
  /** Unix ms of the call's start, when known. */
  readonly startedAtMs: number | null;
  readonly durationSecs: number | null;
  readonly summary: string | null;
  readonly transcript: readonly {
    readonly role: string;
    readonly message: string;
    readonly timeInCallSecs: number;
  }[];
  readonly terminationReason: string | null;
  /** ElevenLabs' cost figure (credits), where the payload has it. */
  readonly cost: number | null;
  /** Our caller number and the number dialled, as the provider reports them. */
  readonly fromNumber: string | null;
  readonly toNumber: string | null;
}
