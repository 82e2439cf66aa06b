import type { CallOutcome } from '@fundraising/shared';
import { nextAllowedInstant } from '../calling-window/index.js';
import type { ServiceDeps } from '../core/deps.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { execute, queryRow } from '../db/statement.js';
import { settleWorkflowEnrolments } from '../workflow-action/index.js';
import * as q from './queries.js';
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
    const row = await queryRow(tx, q.LOCK_ATTEMPT, [input.attemptId, input.portalId]);
    if (!row) return { applied: false, reason: 'unknown_attempt' };
    if (row.status === 'ended') return { applied: false, reason: 'already_ended' };
    if (row.status === 'not_placed' || row.status === 'claimed') {
      deps.logger.warn(
        { attemptId: row.id, status: row.status },
        'outcome for an attempt not known to be placed',
      );
    }
    await execute(tx, q.END_ATTEMPT, [
      row.id,
      input.outcome,
      input.detail ?? {},
      new Date(input.endedAtMs),
      at,
      input.conversationId ?? null,
    ]);
    // Attempts are counted once the call is known to exist; an outcome for an uncounted attempt counts it now.
    const counted = row.status === 'placed';
    const attemptsMade = row.attempts + (counted ? 0 : 1);

    const suppressReason = SUPPRESSING[input.outcome];
    if (suppressReason) {
      await execute(tx, q.SUPPRESS_NUMBER, [input.portalId, row.phone_e164, suppressReason, row.id]);
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
    await execute(tx, q.MOVE_CONTACT_ON, [
      row.campaign_contact_id,
      next ? 'queued' : 'done',
      next ? new Date(next) : null,
      next ? waitReason : null,
      input.outcome,
      attemptsMade,
      at,
    ]);
    // A finished contact may be what a workflow is waiting on: its completion is owed from this same commit.
    if (!next) {
      await settleWorkflowEnrolments(tx, deps, {
        portalId: input.portalId,
        campaignContactId: row.campaign_contact_id,
      });
    }
    await afterApply?.(tx);
    return {
      applied: true,
      contact: { state: next ? 'queued' : 'done', nextAttemptAt: next ? new Date(next) : null },
      suppressed: suppressReason !== undefined,
    };
  });
  if (result.applied) deps.metrics?.outcomeRecorded(input.outcome);
  return result;
}
