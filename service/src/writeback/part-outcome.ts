import { HubSpotApiError } from '../hubspot/index.js';

/**
 * What became of one part (call, contact properties, app event) of one row in a run:
 * - done: HubSpot has it (callId for a Calls engagement);
 * - unknown: a Calls create got no answer; HubSpot may have it, so it is looked up before any new create;
 * - waiting: such a call is not yet old enough for HubSpot's search index to show it;
 * - failed: it did not land this time and will be retried (rate limit, outage, missing scope);
 * - rejected: HubSpot refused this row's data for good (deleted contact, invalid value): kept for ops;
 * - skipped: not tried, because HubSpot was already failing in this run.
 */
export type PartOutcome =
  | { readonly kind: 'done'; readonly callId?: string }
  | { readonly kind: 'unknown'; readonly error: string }
  | { readonly kind: 'waiting'; readonly error: string }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'rejected'; readonly error: string }
  | { readonly kind: 'skipped' };

/** Keyed by attempt id. */
export type PartOutcomes = Map<string, PartOutcome>;

const MAX_ERROR = 500;

export function describeError(err: unknown): string {
  if (err instanceof HubSpotApiError) {
    return `HubSpot ${err.status || 'unreachable'} ${err.category}: ${err.message}`.slice(0, MAX_ERROR);
  }
  return (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR);
}

/** Statuses that say "not now" rather than "never": auth and scopes are fixed by a person, limits free up. */
const RETRYABLE_CLIENT_STATUSES = new Set([401, 403, 408, 423, 429]);

/** HubSpot refused the request itself (a 4xx about its content): sending it again as it is cannot succeed. */
export function isRejection(err: unknown): boolean {
  return (
    err instanceof HubSpotApiError &&
    err.status >= 400 &&
    err.status < 500 &&
    !RETRYABLE_CLIENT_STATUSES.has(err.status)
  );
}

/**
 * For writes HubSpot does not deduplicate: only an HTTP 4xx proves nothing was applied. A 5xx, a lost
 * connection, a timeout, or even a 2xx whose body we could not read may all come after HubSpot wrote.
 */
export function certainlyNotApplied(err: unknown): boolean {
  return err instanceof HubSpotApiError && err.status >= 400 && err.status < 500 && !err.outcomeUnknown;
}

/** Splits a batch HubSpot refused as a whole, to find the rows it refuses and land the rest. */
export function halves<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}
