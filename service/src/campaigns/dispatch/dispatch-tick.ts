import { type CallingWindow, isCallAllowedAt, nextAllowedInstant } from '../../calling-window/index.js';
import { bossDb, type ServiceDeps } from '../../core/deps.js';
import type { PoolClient } from '../../db/pool.js';
import { withTransaction } from '../../db/pool.js';
import { execute, queryRow, queryRows, type RowOf } from '../../db/statement.js';
import { isDiallingStopped } from '../../safety/index.js';
import { dialsHeldUntil } from '../placement/dial-hold.js';
import { PLACE_CALL_QUEUE } from '../placement/placement-queue.js';
import { allocateSlots } from '../slot-allocation.js';
import * as q from './queries.js';

/** One dispatcher at a time across all processes: a tick that cannot take this lock does nothing. */
export const DISPATCH_LOCK = 7_405_311_002;
/** Claims per caller number reach this far ahead of the pacing; the placement job waits out the rest. */
const PACING_LOOKAHEAD_SECONDS = 2;
const BUSY_ELSEWHERE_RETRY_MS = 60_000;
const NO_ALLOWED_TIME_RETRY_MS = 24 * 3_600_000;

type CampaignRow = RowOf<typeof q.ACTIVE_CAMPAIGNS>;
type ClaimedRow = RowOf<typeof q.CLAIM_DUE>;

export interface TickResult {
  readonly claimed: number;
  readonly rescheduled: number;
  readonly skipped: number;
  readonly completedCampaigns: readonly string[];
}

const NOTHING: TickResult = { claimed: 0, rescheduled: 0, skipped: 0, completedCampaigns: [] };

export function windowOf(
  c: Pick<CampaignRow, 'calling_days' | 'window_start_minute' | 'window_end_minute' | 'blackout_dates'>,
): CallingWindow {
  return {
    days: c.calling_days.map(Number),
    startMinute: c.window_start_minute,
    endMinute: c.window_end_minute,
    blackoutDates: c.blackout_dates,
  };
}

/**
 * One dispatch: for each active campaign, free slots = min(cap − in flight, daily cap − dials today), shared
 * fairly under the account-wide cap and the caller numbers' pacing; claims that many due contacts, re-checks
 * each against the calling window, the do-not-call list, a call already in progress and the frequency cap, and
 * enqueues one placement job per surviving claim in the same transaction as the claim.
 */
export async function dispatchTick(deps: ServiceDeps): Promise<TickResult> {
  const now = deps.clock.now();
  const at = new Date(now);
  return withTransaction(deps.pool, async (tx) => {
    const lock = await queryRow(tx, q.TRY_DISPATCH_LOCK, [DISPATCH_LOCK]);
    if (!lock?.ok) return NOTHING;
    // All dialling stopped (the safety switch, in every process): no claims at all.
    if (await isDiallingStopped(tx)) return NOTHING;
    // ElevenLabs said 429 with a Retry-After: claims now would only be given back.
    if ((await dialsHeldUntil(tx, now)) !== null) return NOTHING;

    const campaigns = await queryRows(tx, q.ACTIVE_CAMPAIGNS, [at]);
    if (campaigns.length === 0) return NOTHING;
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    const free = campaigns.map((c) =>
      Math.max(0, Math.min(c.concurrency_cap - c.in_flight, c.daily_cap - c.dialled_today)),
    );
    const due = new Map(
      (await queryRows(tx, q.PROBE_DUE, [campaigns.map((c) => c.id), free, at])).map((r) => [
        r.campaign_id,
        r.due,
      ]),
    );
    const idle = campaigns.filter((c) => (due.get(c.id) ?? 0) === 0 && c.in_flight === 0).map((c) => c.id);
    const completedCampaigns =
      idle.length === 0 ? [] : (await queryRows(tx, q.COMPLETE_FINISHED, [idle, at])).map((r) => r.id);

    const accountInFlight = (await queryRow(tx, q.ACCOUNT_IN_FLIGHT, []))?.n ?? 0;
    const grants = allocateSlots(
      campaigns.map((c, i) => ({ campaignId: c.id, free: free[i] ?? 0, due: due.get(c.id) ?? 0 })),
      deps.settings.accountConcurrencyCap - accountInFlight,
    );
    paceGrants(grants, campaigns);
    const granted = [...grants].filter(([, n]) => n > 0);
    if (granted.length === 0) return { ...NOTHING, completedCampaigns };

    const claimed = await queryRows(tx, q.CLAIM_DUE, [
      granted.map(([id]) => id),
      granted.map(([, n]) => n),
      at,
    ]);
    const result = await settleClaims(deps, tx, claimed, byId, now);
    await execute(tx, q.TOUCH_CAMPAIGNS, [granted.map(([id]) => id), at]);
    return { ...result, completedCampaigns };
  });
}

/** Caps grants per caller number so dials never run far ahead of the number's pacing. */
function paceGrants(grants: Map<string, number>, campaigns: readonly CampaignRow[]): void {
  const allowance = new Map<string, number>();
  for (const c of campaigns) {
    const ahead = Math.ceil(Number(c.dials_per_second) * PACING_LOOKAHEAD_SECONDS);
    const left = Math.max(0, ahead - c.pending_on_number);
    allowance.set(c.phone_number_id, Math.min(allowance.get(c.phone_number_id) ?? left, left));
  }
  for (const c of campaigns) {
    const want = grants.get(c.id) ?? 0;
    const left = allowance.get(c.phone_number_id) ?? 0;
    const give = Math.min(want, left);
    grants.set(c.id, give);
    allowance.set(c.phone_number_id, left - give);
  }
}

async function settleClaims(
  deps: ServiceDeps,
  tx: PoolClient,
  claimed: readonly ClaimedRow[],
  campaigns: ReadonlyMap<string, CampaignRow>,
  now: number,
): Promise<Omit<TickResult, 'completedCampaigns'>> {
  if (claimed.length === 0) return { claimed: 0, rescheduled: 0, skipped: 0 };
  const at = new Date(now);
  const checks = new Map(
    (
      await queryRows(tx, q.PHONE_CHECKS, [
        claimed.map((c) => c.portal_id),
        claimed.map((c) => c.phone_e164),
        at,
      ])
    ).map((r) => [`${r.portal_id}:${r.phone}`, r]),
  );
  const dial: ClaimedRow[] = [];
  const skip: string[] = [];
  const later: { id: string; at: Date; reason: string }[] = [];
  for (const contact of claimed) {
    const campaign = campaigns.get(contact.campaign_id);
    const check = checks.get(`${contact.portal_id}:${contact.phone_e164}`);
    if (!campaign || !check) continue;
    const who = { zones: contact.time_zones, usState: contact.us_state };
    const window = windowOf(campaign);
    if (check.suppressed) {
      skip.push(contact.id);
    } else if (!isCallAllowedAt(now, who, window)) {
      const next = nextAllowedInstant(now, who, window);
      later.push(
        next === null
          ? { id: contact.id, at: new Date(now + NO_ALLOWED_TIME_RETRY_MS), reason: 'no_allowed_time' }
          : { id: contact.id, at: new Date(next), reason: 'outside_window' },
      );
    } else if (check.busy) {
      later.push({
        id: contact.id,
        at: new Date(now + BUSY_ELSEWHERE_RETRY_MS),
        reason: 'in_call_elsewhere',
      });
    } else if (check.dials_24h >= deps.settings.frequencyCapPer24h && check.oldest_dial_24h) {
      const freed = check.oldest_dial_24h.getTime() + 24 * 3_600_000;
      const next = nextAllowedInstant(freed, who, window) ?? freed;
      later.push({ id: contact.id, at: new Date(next), reason: 'frequency_cap' });
    } else {
      dial.push(contact);
    }
  }

  const inserted = dial.length
    ? await queryRows(tx, q.INSERT_CLAIMED_ATTEMPTS, [
        dial.map((c) => c.portal_id),
        dial.map((c) => c.campaign_id),
        dial.map((c) => c.id),
        dial.map((c) => c.contact_id),
        dial.map((c) => c.phone_e164),
        at,
      ])
    : [];
  // A row the unique live-call index turned away: the same person was claimed by another campaign this tick.
  const insertedContacts = new Set(inserted.map((r) => String(r.campaign_contact_id)));
  for (const c of dial) {
    if (!insertedContacts.has(String(c.id))) {
      later.push({ id: c.id, at: new Date(now + BUSY_ELSEWHERE_RETRY_MS), reason: 'in_call_elsewhere' });
    }
  }

  if (inserted.length) {
    await execute(tx, q.MARK_DIALING, [inserted.map((r) => r.campaign_contact_id), at]);
    await deps.boss.insert(
      PLACE_CALL_QUEUE.name,
      inserted.map((r) => ({ data: { attemptId: r.id, portalId: Number(r.portal_id) } })),
      { db: bossDb(tx) },
    );
  }
  if (later.length) {
    await execute(tx, q.RESCHEDULE, [
      later.map((l) => l.id),
      later.map((l) => l.at),
      later.map((l) => l.reason),
      at,
    ]);
  }
  if (skip.length) await execute(tx, q.SKIP_SUPPRESSED, [skip, at]);
  return { claimed: inserted.length, rescheduled: later.length, skipped: skip.length };
}
