/**
 * The per-campaign circuit breaker's rule, a pure function of the campaign's recent dial results: when too large a
 * share of them were refused by ElevenLabs (a misconfigured caller number, an exhausted balance, a revoked key) or
 * never got placed, the campaign is paused with a reason a fundraiser can act on, instead of burning through its
 * list. A 401 is account-wide (the API key) and trips at once.
 */

/** One dial's result, as the breaker sees it. */
export type DialResultSummary =
  | { readonly kind: 'placed' }
  /** ElevenLabs refused the dial (a 4xx other than 408/429): `status`, and its message. */
  | { readonly kind: 'rejected'; readonly status: number | null; readonly message: string }
  /** The dial's result was unknown and reconciliation found no call: it was never placed. */
  | { readonly kind: 'failed'; readonly message: string };

export interface BreakerPolicy {
  /** The latest this many results are looked at. */
  readonly window: number;
  /** Fewer results than this say nothing (a couple of bad numbers early on are no pattern). */
  readonly minResults: number;
  /** Trips when at least this share of the looked-at results failed. */
  readonly failureShare: number;
  /** Results older than this are not looked at. */
  readonly maxAgeMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  window: 20,
  minResults: 10,
  failureShare: 0.5,
  maxAgeMs: 15 * 60_000,
};

export type BreakerVerdict = { readonly trip: false } | { readonly trip: true; readonly reason: string };

const PREFIX = 'paused by the safety breaker';

/**
 * `recent` is newest first (at most `policy.window` are looked at); `latest` is the result that prompted the look
 * (a 401 trips on its own: every further dial of the account would be refused the same way).
 */
export function breakerVerdict(
  recent: readonly DialResultSummary[],
  latest: DialResultSummary | null,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): BreakerVerdict {
  if (latest?.kind === 'rejected' && latest.status === 401) {
    return {
      trip: true,
      reason: `${PREFIX}: ElevenLabs refused a dial with 401 unauthorized (${latest.message}); check the API key`,
    };
  }
  const looked = recent.slice(0, policy.window);
  if (looked.length < policy.minResults) return { trip: false };
  const failures = looked.filter(
    (r): r is Exclude<DialResultSummary, { kind: 'placed' }> => r.kind !== 'placed',
  );
  if (failures.length < policy.failureShare * looked.length) return { trip: false };
  const rejected = failures.filter((r) => r.kind === 'rejected').length;
  const last = failures[0];
  const lastText =
    last === undefined
      ? ''
      : last.kind === 'rejected'
        ? ` (last: ${last.status ?? 'refused'} ${last.message})`
        : ` (last: ${last.message})`;
  const what =
    rejected === failures.length
      ? 'were rejected by ElevenLabs'
      : rejected === 0
        ? 'were never placed'
        : 'were rejected by ElevenLabs or never placed';
  return {
    trip: true,
    reason: `${PREFIX}: ${failures.length} of ${looked.length} recent dials ${what}${lastText}`,
  };
}

/**
 * Reads a stored attempt back as a result: `not_placed_reason` of a refused dial is `rejected <status>: <message>`
 * (placement writes it); any other not-placed dial that left was never placed.
 */
export function summarizeAttempt(status: string, notPlacedReason: string | null): DialResultSummary {
  if (status !== 'not_placed') return { kind: 'placed' };
  const reason = notPlacedReason ?? '';
  const match = /^rejected (\d{3})?:? ?(.*)$/s.exec(reason);
  if (match) {
    return {
      kind: 'rejected',
      status: match[1] === undefined ? null : Number(match[1]),
      message: (match[2] ?? '').slice(0, 200),
    };
  }
  return { kind: 'failed', message: reason.slice(0, 200) };
}
