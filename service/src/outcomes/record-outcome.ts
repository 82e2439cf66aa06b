import type { CallOutcome } from '@fundraising/shared';
import { nextAllowedInstant } from '../calling-window/index.js';
import type { ServiceDeps } from '../core/deps.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { nextStepAfter } from './retry-policy.js';

export interface OutcomeInput {
  readonly attemptId: string;
  readonly portalId: number;
  readonly outcome: CallOutcome;
  readonly endedAtMs: number;
  readonly conversationId?: string | null;
  /** For callback_requested: when the donor asked to be called back. */
  readonly callbackAtMs?: number | null;
  /** Classification details kept with the attempt (amount, summary, ...). */
  readonly detail?: Record<string, unknown>;
}

export type OutcomeRecorded =
  | { readonly applied: false; readonly reason: 'unknown_attempt' | 'already_ended' }
  | {
      readonly applied: true;
      readonly contact: { readonly state: 'queued' | 'done'; readonly nextAttemptAt: Date | null };
      readonly suppressed: boolean;
    };

const LOCK_ATTEMPT = `
  SELECT a.id::text AS id, a.status, a.campaign_contact_id, a.phone_e164, a.contact_id,
         cc.attempts, cc.time_zones, cc.us_state,
         c.retry_policy, c.max_attempts, c.calling_days, c.window_start_minute, c.window_end_minute,
         c.blackout_dates::text[] AS blackout_dates
    FROM call_attempts a
    JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE a.id = $1 AND a.portal_id = $2
     FOR UPDATE OF a, cc`;

/** Opting out or reaching the wrong person puts the number on the portal's do-not-call list at once. */
const SUPPRESSING: Partial<Record<CallOutcome, string>> = {
  opted_out: 'opted_out',
  wrong_number: 'wrong_number',
};

/**
 * Ends an attempt with its outcome, exactly once, and moves the contact on: another attempt under the campaign's
 * retry policy (snapped into the contact's calling window), or done. Replays change nothing.
 */
export async function recordOutcome(
  deps: ServiceDeps,
  input: OutcomeInput,
  /** Runs in the same transaction once the outcome is applied (e.g. queue the CRM write-back): all or nothing. */
  afterApply?: (tx: PoolClient) => Promise<void>,
): Promise<OutcomeRecorded> {
  const at = new Date(deps.clock.now());
  const result = await withTransaction(deps.pool, async (tx): Promise<OutcomeRecorded> => {
    const row = (await tx.query(LOCK_ATTEMPT, [input.attemptId, input.portalId])).rows[0] as
      | {
          id: string;
          status: string;
          campaign_contact_id: string;
          phone_e164: string;
          contact_id: string;
          attempts: number;
          time_zones: string[];
          us_state: string | null;
          retry_policy: Record<string, { delayMinutes: number; maxAttempts: number }>;
          max_attempts: number;
          calling_days: number[];
          window_start_minute: number;
          window_end_minute: number;
          blackout_dates: string[];
        }
      | undefined;
    if (!row) return { applied: false, reason: 'unknown_attempt' };
    if (row.status === 'ended') return { applied: false, reason: 'already_ended' };
    if (row.status === 'not_placed' || row.status === 'claimed') {
      deps.logger.warn(
        { attemptId: row.id, status: row.status },
        'outcome for an attempt not known to be placed',
      );
    }
    await tx.query(
      `UPDATE call_attempts
          SET status = 'ended', outcome = $2, outcome_detail = $3, ended_at = $4, updated_at = $5,
              conversation_id = coalesce(conversation_id, $6)
        WHERE id = $1`,
      [
        row.id,
        input.outcome,
        input.detail ?? {},
        new Date(input.endedAtMs),
        at,
        input.conversationId ?? null,
      ],
    );
    // Attempts are counted once the call is known to exist; an outcome for an uncounted attempt counts it now.
    const counted = row.status === 'placed';
    const attemptsMade = row.attempts + (counted ? 0 : 1);

    const suppressReason = SUPPRESSING[input.outcome];
    if (suppressReason) {
      await tx.query(
        `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (portal_id, phone_e164) DO NOTHING`,
        [input.portalId, row.phone_e164, suppressReason, row.id],
      );
    }

    const step = nextStepAfter({
      outcome: input.outcome,
      attemptsMade,
      policy: row.retry_policy,
      maxAttempts: row.max_attempts,
      endedAtMs: input.endedAtMs,
      callbackAtMs: input.callbackAtMs ?? null,
    });
    const next =
      step.kind === 'retry' && !suppressReason
        ? nextAllowedInstant(
            Math.max(step.notBeforeMs, at.getTime()),
            { zones: row.time_zones, usState: row.us_state },
            {
              days: row.calling_days.map(Number),
              startMinute: row.window_start_minute,
              endMinute: row.window_end_minute,
              blackoutDates: row.blackout_dates,
            },
          )
        : null;
    const waitReason = step.kind === 'retry' ? step.reason : null;
    await tx.query(
      `UPDATE campaign_contacts
          SET state = $2, next_attempt_at = $3, wait_reason = $4, last_outcome = $5, attempts = $6,
              last_attempt_at = coalesce(last_attempt_at, $7), updated_at = $7
        WHERE id = $1`,
      [
        row.campaign_contact_id,
        next ? 'queued' : 'done',
        next ? new Date(next) : null,
        next ? waitReason : null,
        input.outcome,
        attemptsMade,
        at,
      ],
    );
    await afterApply?.(tx);
    return {
      applied: true,
      contact: { state: next ? 'queued' : 'done', nextAttemptAt: next ? new Date(next) : null },
      suppressed: suppressReason !== undefined,
    };
  });
  return result;
}
