import type { HubSpotApiError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** First backoff after a 5xx or network failure; doubles per attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long a TEN_SECONDLY_ROLLING 429 without Retry-After waits: until HubSpot's rolling window has emptied. */
  readonly rollingWindowMs: number;
  /** The CRM search "secondly" limit frees after a second. */
  readonly secondlyWindowMs: number;
  /** In [0, 1); injectable so tests get exact delays. */
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  rollingWindowMs: 10_000,
  secondlyWindowMs: 1_000,
  random: Math.random,
};

// The exact strings HubSpot sends (the SDK's RetryDecorator matches on the same ones).
const TEN_SECONDLY_ROLLING = 'TEN_SECONDLY_ROLLING';
const SECONDLY_LIMIT_MESSAGE = 'You have reached your secondly limit.';
const DAILY = 'DAILY';

export type RetryDecision =
  | { readonly retry: false }
  /** pausePortal: the wait applies to every request of the portal, not just this one (a 429). */
  | {
      readonly retry: true;
      readonly delayMs: number;
      readonly pausePortal: boolean;
      readonly reason: string;
    };

/**
 * What to do after a failed attempt (attempt counts from 1).
 * - 429: wait Retry-After when given; else until the limit's window frees (10 s rolling, 1 s for search).
 *   A daily limit is not retried: it frees at midnight, not in seconds.
 * - 5xx and no response: exponential backoff with jitter, unless the request is not idempotent, since
 *   HubSpot may have applied it (e.g. a Calls batch create): repeating it would write twice.
 * - any other 4xx: the request itself is wrong; repeating it cannot help.
 */
export function decideRetry(
  error: HubSpotApiError,
  attempt: number,
  options: RetryOptions,
  idempotent: boolean,
): RetryDecision {
  if (attempt >= options.maxAttempts) return { retry: false };
  if (error.status === 429) {
    if (error.policyName === DAILY) return { retry: false };
    if (error.retryAfterMs !== undefined)
      return { retry: true, delayMs: error.retryAfterMs, pausePortal: true, reason: 'retry-after' };
    if (error.message === SECONDLY_LIMIT_MESSAGE)
      return { retry: true, delayMs: options.secondlyWindowMs, pausePortal: false, reason: 'secondly limit' };
    const reason = error.policyName === TEN_SECONDLY_ROLLING ? 'ten-secondly rolling limit' : 'rate limited';
    return { retry: true, delayMs: options.rollingWindowMs, pausePortal: true, reason };
  }
  if (error.status === 0 || error.status >= 500) {
    if (!idempotent) return { retry: false };
    return {
      retry: true,
      delayMs: backoffDelay(attempt, options),
      pausePortal: false,
      reason: 'server error',
    };
  }
  return { retry: false };
}

/** base × 2^(attempt-1), capped, with "equal jitter": at least half the delay, so retries never bunch at zero. */
export function backoffDelay(attempt: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + options.random() * (ceiling / 2));
}
