import type pg from 'pg';
import { waitUntil } from '../helpers/wait.js';
import { retryAfterViolations, type SeenRequest } from './record-checks.js';

/** The fakes' records of faults and of every request, read over HTTP, and the checks a storm run makes on them. */

interface Timed {
  readonly atMs: number;
  readonly status: number;
  readonly retryAfterMs: number | null;
}
interface Fired {
  readonly fault: string;
}
interface Delivery {
  readonly at: string;
  readonly conversationId: string;
  readonly attempt: number;
  readonly status: number | null;
  readonly fault: string | null;
}

export interface FaultRecords {
  readonly dials: readonly { atMs: number; responseStatus: number }[];
  readonly rejectedDials: readonly Timed[];
  readonly reads: readonly (Timed & { subject: string })[];
  readonly webhooks: readonly Delivery[];
  readonly elevenlabsFaults: readonly (Fired & { subject: string })[];
  readonly hubspotRequests: readonly (Timed & { client: string | null; portalId: number | null })[];
  readonly hubspotFaults: readonly Fired[];
}

async function all<T>(url: string): Promise<T[]> {
  const res = await fetch(`${url}?limit=10000`);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return ((await res.json()) as { items: T[] }).items;
}

/**
 * Reads every record; with `settle`, first waits (up to a minute) until each webhook a fault held back or
 * duplicated has been sent, so a late one is seen landing.
 */
export async function readFaultRecords(fakesUrl: string, { settle = false } = {}): Promise<FaultRecords> {
  const el = `${fakesUrl}/__sandbox/elevenlabs`;
  if (settle) {
    await waitUntil(
      async () => {
        const fired = await all<Fired>(`${el}/fault-log`);
        const sent = await all<Delivery>(`${el}/webhooks`);
        const count = (f: string) => fired.filter((e) => e.fault === f).length;
        const delivered = (f: string) => sent.filter((w) => w.fault === f).length;
        return ['delayWebhook', 'reorderWebhook', 'duplicateWebhook'].every((f) => delivered(f) >= count(f));
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every held-back webhook to be sent' },
    );
  }
  return {
    dials: await all(`${el}/dials`),
    rejectedDials: await all(`${el}/rejected-dials`),
    reads: await all(`${el}/reads`),
    webhooks: await all(`${el}/webhooks`),
    elevenlabsFaults: await all(`${el}/fault-log`),
    hubspotRequests: await all(`${fakesUrl}/__sandbox/hubspot/requests`),
    hubspotFaults: await all(`${fakesUrl}/__sandbox/hubspot/fault-log`),
  };
}

/**
 * Retry-After waited out, from the fakes' request times: ElevenLabs' dial 429s hold the whole account (the
 * service shares the hold in Postgres); a read 429 holds reads of that conversation, or that attempt's listing
 * (each is its own job's SDK retry; other jobs' reads go on); HubSpot's 429s hold the
 * process told (its User-Agent) for that portal, each process keeping its own limiter.
 */
export function retryAfterChecks(
  r: FaultRecords,
  slack: { dials: number; reads: number; hubspot: number },
): string[] {
  const dials: SeenRequest[] = [
    ...r.dials.map((d) => ({ atMs: d.atMs, scope: 'dials', status: d.responseStatus, retryAfterMs: null })),
    ...r.rejectedDials.map((d) => ({ ...d, scope: 'dials' })),
  ];
  const reads: SeenRequest[] = r.reads.map((d) => ({ ...d, scope: `read ${d.subject}` }));
  const hubspot: SeenRequest[] = r.hubspotRequests
    .filter((q) => q.portalId !== null)
    .map((q) => ({ ...q, scope: `HubSpot portal ${q.portalId} from ${q.client}` }));
  return [
    ...retryAfterViolations(dials, slack.dials),
    ...retryAfterViolations(reads, slack.reads),
    ...retryAfterViolations(hubspot, slack.hubspot),
  ];
}

/**
 * Webhooks held back past the service's own look at the call: each must find its call already ended, and be
 * stored and processed without changing it. Counts those that came after the service had ended the call itself.
 */
export async function webhookFaultChecks(
  pool: pg.Pool,
  r: FaultRecords,
): Promise<{ violations: string[]; afterReconciliation: number }> {
  const late = r.webhooks.filter((w) => w.fault === 'delayWebhook' && w.status === 200);
  const violations: string[] = [];
  let afterReconciliation = 0;
  // Stored events are processed by a job: give the last ones a moment.
  await waitUntil(
    async () =>
      Number(
        (
          await pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL',
          )
        ).rows[0]?.n,
      ) === 0,
    { timeoutMs: 60_000, intervalMs: 250, what: 'every stored webhook event to be processed' },
  ).catch(() => violations.push('webhook events left unprocessed'));
  for (const w of late) {
    const { rows } = await pool.query<{ status: string; ended_at: Date | null; reconciled: boolean }>(
      `SELECT a.status, a.ended_at,
              EXISTS (SELECT 1 FROM webhook_events e WHERE e.conversation_id = $1 AND e.source = 'reconciliation')
                AS reconciled
         FROM call_attempts a WHERE a.conversation_id = $1`,
      [w.conversationId],
    );
    const attempt = rows[0];
    if (!attempt) {
      violations.push(`late webhook ${w.conversationId}: no attempt carries the conversation`);
      continue;
    }
    if (attempt.status !== 'ended')
      violations.push(`late webhook ${w.conversationId}: attempt ${attempt.status}`);
    if (attempt.reconciled && attempt.ended_at && attempt.ended_at.getTime() < Date.parse(w.at))
      afterReconciliation++;
  }
  return { violations, afterReconciliation };
}
