import {
  type CallOutcome,
  RETRYABLE_OUTCOMES,
  type RetryableOutcome,
  type RetryPolicy,
} from '@fundraising/shared';

export type NextStep =
  | { readonly kind: 'retry'; readonly notBeforeMs: number; readonly reason: 'retry' | 'callback' }
  | { readonly kind: 'finish' };

const isRetryable = (o: CallOutcome): o is RetryableOutcome =>
  (RETRYABLE_OUTCOMES as readonly string[]).includes(o);

/**
 * What happens to a contact after an attempt ended with `outcome`: another attempt no earlier than
 * `notBeforeMs` (the caller snaps it into the contact's calling window), or finished.
 * The campaign-wide maxAttempts caps every per-outcome rule. A callback request honours the asked time when one
 * was collected and lies in the future; otherwise the rule's delay applies.
 */
export function nextStepAfter(input: {
  outcome: CallOutcome;
  attemptsMade: number;
  policy: RetryPolicy;
  maxAttempts: number;
  endedAtMs: number;
  callbackAtMs?: number | null;
}): NextStep {
  const { outcome, attemptsMade, policy, maxAttempts, endedAtMs } = input;
  if (!isRetryable(outcome)) return { kind: 'finish' };
  const rule = policy[outcome];
  if (rule === undefined) return { kind: 'finish' };
  if (attemptsMade >= Math.min(rule.maxAttempts, maxAttempts)) return { kind: 'finish' };
  const afterDelay = endedAtMs + rule.delayMinutes * 60_000;
  if (outcome === 'callback_requested' && input.callbackAtMs != null && input.callbackAtMs > endedAtMs) {
    return { kind: 'retry', notBeforeMs: input.callbackAtMs, reason: 'callback' };
  }
  return {
    kind: 'retry',
    notBeforeMs: afterDelay,
    reason: outcome === 'callback_requested' ? 'callback' : 'retry',
  };
}
