import {
  attemptsDialledTwice,
  type DialSeen,
  maxInFlight,
  simultaneousCallsToOneNumber,
} from '../helpers/fakes-record.js';

/**
 * What must hold after any fault run, from the fakes' own records (what the outside world saw) and the attempts'
 * final states: every call ended at the provider, no attempt dialled twice, no number in two calls at once, no cap
 * exceeded at any instant, every dial one of our attempts and ended exactly once, each on HubSpot's timeline
 * exactly once, every contact finished. Returns the violations, each a line naming what broke (empty: green).
 */

export interface RunRecords {
  readonly dials: readonly DialSeen[];
  /** objectWriteTraceId of every Calls engagement the fake HubSpot holds. */
  readonly engagementTraceIds: readonly (string | null)[];
  /** Final status of each of the run's attempts, by id. */
  readonly attempts: ReadonlyMap<string, string>;
  /** Contacts of the run's campaigns not done or skipped. */
  readonly unfinishedContacts: number;
}

export interface RunLimits {
  /** Most calls at once per caller number (a campaign's cap), by phone number id. */
  readonly capByNumber: ReadonlyMap<string, number>;
  readonly accountCap: number;
}

export function recordViolations(records: RunRecords, limits: RunLimits): string[] {
  const { dials, attempts } = records;
  const problems: string[] = [];
  const add = (what: string, items: readonly string[]) => {
    if (items.length > 0)
      problems.push(`${what}: ${items.slice(0, 10).join(', ')}${items.length > 10 ? ' …' : ''}`);
  };
  add(
    'calls never ended at the provider',
    dials.filter((d) => d.endedAtMs === null).map((d) => d.conversationId),
  );
  add('attempts dialled more than once', attemptsDialledTwice(dials));
  add('numbers in two calls at once', simultaneousCallsToOneNumber(dials));
  for (const [number, cap] of limits.capByNumber) {
    const most = maxInFlight(dials.filter((d) => d.phoneNumberId === number));
    if (most > cap) problems.push(`caller number ${number}: ${most} calls at once, cap ${cap}`);
  }
  const account = maxInFlight(dials);
  if (account > limits.accountCap)
    problems.push(`account: ${account} calls at once, cap ${limits.accountCap}`);
  add(
    'dials whose attempt did not end',
    dials
      .filter((d) => attempts.get(d.userId ?? '') !== 'ended')
      .map((d) => `${d.userId} (${attempts.get(d.userId ?? '') ?? 'not ours'})`),
  );
  add(
    'attempts neither ended nor released',
    [...attempts].filter(([, s]) => s !== 'ended' && s !== 'not_placed').map(([id, s]) => `${id} (${s})`),
  );
  if (records.unfinishedContacts > 0) problems.push(`${records.unfinishedContacts} contacts not finished`);
  const onTimeline = new Map<string, number>();
  for (const id of records.engagementTraceIds)
    if (id !== null) onTimeline.set(id, (onTimeline.get(id) ?? 0) + 1);
  add(
    'calls not on the HubSpot timeline exactly once',
    dials
      .filter((d) => onTimeline.get(d.userId ?? '') !== 1)
      .map((d) => `${d.userId} x${onTimeline.get(d.userId ?? '') ?? 0}`),
  );
  add(
    'HubSpot calls for attempts that were never dialled',
    [...onTimeline.keys()].filter((id) => !dials.some((d) => d.userId === id)),
  );
  return problems;
}

/** A request a provider saw, and (for a 429) the wait it asked for. */
export interface SeenRequest {
  readonly atMs: number;
  /** Who must wait: the account, one process (its User-Agent), one resource. */
  readonly scope: string;
  readonly status: number;
  readonly retryAfterMs: number | null;
}

/**
 * Requests that came while a 429's Retry-After, given to the same scope, was still running. A request may arrive
 * up to `slackMs` after the 429: sent before the caller heard it (or, across processes, before the hold it wrote
 * was read), it could not have waited.
 */
export function retryAfterViolations(requests: readonly SeenRequest[], slackMs: number): string[] {
  const sorted = [...requests].sort((a, b) => a.atMs - b.atMs);
  const holds = new Map<string, { from: number; until: number }>();
  const found: string[] = [];
  for (const r of sorted) {
    const hold = holds.get(r.scope);
    if (hold && r.atMs > hold.from + slackMs && r.atMs < hold.until) {
      found.push(
        `${r.scope}: a request ${r.atMs - hold.from} ms after a 429 that asked for ${hold.until - hold.from} ms`,
      );
    }
    if (r.status === 429 && r.retryAfterMs !== null) {
      const until = r.atMs + r.retryAfterMs;
      if (!hold || until > hold.until) holds.set(r.scope, { from: r.atMs, until });
    }
  }
  return found;
}
