/**
 * The shared sandbox fakes' records, read over HTTP (`/__sandbox/...` of the fakes' process) as any process on
 * the machine can, and the invariants a test checks on them: what the outside world saw, not what our tables say.
 */

/** One dial as the fake ElevenLabs recorded it (`/__sandbox/elevenlabs/dials`). */
export interface DialSeen {
  readonly atMs: number;
  /** When the call freed its line; null while it is in flight. */
  readonly endedAtMs: number | null;
  readonly toNumber: string;
  readonly phoneNumberId: string;
  /** Our attempt id (`user_id`). */
  readonly userId: string | null;
  readonly conversationId: string;
  readonly outcome: string;
}

/** One Calls engagement as the fake HubSpot recorded it (`/__sandbox/hubspot/calls`). */
export interface EngagementSeen {
  readonly objectWriteTraceId: string | null;
}

async function readAll<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; ) {
    const res = await fetch(`${url}?offset=${offset}&limit=10000`);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const page = (await res.json()) as { total: number; items: T[] };
    items.push(...page.items);
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) return items;
  }
}

export const readDials = (fakesUrl: string) => readAll<DialSeen>(`${fakesUrl}/__sandbox/elevenlabs/dials`);

/** Every post-call webhook the fake sent: when (`at`, as it sent it) and what the service answered. */
export const readWebhookDeliveries = (fakesUrl: string) =>
  readAll<{ readonly at: string; readonly status: number | null }>(
    `${fakesUrl}/__sandbox/elevenlabs/webhooks`,
  );

export const readEngagements = (fakesUrl: string) =>
  readAll<EngagementSeen>(`${fakesUrl}/__sandbox/hubspot/calls`);

/** The next dials of `toNumber` end this way (the fake's script). */
export async function scriptOutcome(fakesUrl: string, toNumber: string, outcome: string): Promise<void> {
  const res = await fetch(`${fakesUrl}/__sandbox/elevenlabs/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ toNumber, outcome }),
  });
  if (!res.ok) throw new Error(`script ${toNumber}: HTTP ${res.status}`);
}

/**
 * The most calls in flight at any instant, from the dials' [start, end) intervals. A call still going on counts
 * as going on until `openUntilMs`. At equal times an end comes before a start: a line freed is free.
 */
export function maxInFlight(dials: readonly DialSeen[], openUntilMs = Number.POSITIVE_INFINITY): number {
  const events: [number, number][] = [];
  for (const d of dials) {
    events.push([d.atMs, 1], [d.endedAtMs ?? openUntilMs, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}

/** Numbers that had two calls in flight at once, with the overlapping conversations. */
export function simultaneousCallsToOneNumber(dials: readonly DialSeen[]): string[] {
  const byNumber = new Map<string, DialSeen[]>();
  for (const d of dials) byNumber.set(d.toNumber, [...(byNumber.get(d.toNumber) ?? []), d]);
  const found: string[] = [];
  for (const [number, calls] of byNumber) {
    const sorted = [...calls].sort((a, b) => a.atMs - b.atMs);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1];
      const after = sorted[i];
      if (before && after && (before.endedAtMs ?? Number.POSITIVE_INFINITY) > after.atMs)
        found.push(`${number}: ${before.conversationId} and ${after.conversationId}`);
    }
  }
  return found;
}

/** Attempt ids the fake saw dialled more than once (or dials that carried none). */
export function attemptsDialledTwice(dials: readonly DialSeen[]): string[] {
  const seen = new Map<string, number>();
  for (const d of dials)
    seen.set(d.userId ?? '(no attempt id)', (seen.get(d.userId ?? '(no attempt id)') ?? 0) + 1);
  return [...seen].filter(([id, n]) => n > 1 || id === '(no attempt id)').map(([id, n]) => `${id} x${n}`);
}

/**
 * How far a caller number's dials ran ahead of its pacing (one dial per 1/rate s), in seconds: 0 when every run
 * of k+1 consecutive dials spans at least k/rate. Each dial waits for its slot, and the slots of one number are
 * 1/rate apart whichever process took them, so this stays within the lag between a slot and its dial reaching
 * the provider; with a pacing counter per process, N processes would dial N times too fast.
 */
export function pacingLeadSeconds(dialTimesMs: readonly number[], dialsPerSecond: number): number {
  const t = [...dialTimesMs].sort((a, b) => a - b);
  let lead = 0;
  for (let i = 0; i < t.length; i++) {
    for (let j = i + 1; j < t.length; j++) {
      const needed = (j - i) / dialsPerSecond;
      const took = ((t[j] ?? 0) - (t[i] ?? 0)) / 1000;
      lead = Math.max(lead, needed - took);
    }
  }
  return lead;
}
