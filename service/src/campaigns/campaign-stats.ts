import type { CallOutcome } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRow } from '../db/statement.js';
import * as q from './queries.js';

export interface CampaignStats {
  readonly contacts: { readonly total: number; readonly byState: Record<string, number> };
  readonly skipped: Record<string, number>;
  /** Final or latest outcome per contact. */
  readonly outcomes: Partial<Record<CallOutcome, number>>;
  readonly pledges: { readonly count: number; readonly sum: number };
  readonly dialsToday: number;
  readonly callsInFlight: number;
  readonly attempts: number;
  /** ElevenLabs cost (credits) summed over calls whose payload carried it. */
  readonly cost: number;
  readonly averageCallSeconds: number | null;
  /** When the contacts still to call should be done at the current concurrency, if it can be estimated. */
  readonly estimatedCompletionAt: string | null;
}

/**
 * The numbers the fundraiser watches, computed from the rows on read (always current, no counters to drift):
 * contacts by state and skip reason, outcomes, pledges, dials today, calls in flight, cost and a completion estimate
 * (contacts still to call × average call length ÷ concurrency; windows and retries make it a lower bound).
 */
export async function campaignStats(
  db: Queryable,
  portalId: number,
  campaignId: string,
  nowMs: number,
): Promise<CampaignStats> {
  const r = await queryRow(db, q.CAMPAIGN_STATS, [campaignId, portalId, new Date(nowMs)]);
  // Always one row: the statement selects subqueries only, from no table.
  if (!r) throw new Error('campaign stats returned no row');
  const total = Object.values(r.by_state).reduce((s, n) => s + n, 0);
  const remaining = (r.by_state.queued ?? 0) + (r.by_state.dialing ?? 0) + (r.by_state.imported ?? 0);
  const eta =
    r.avg_secs && r.concurrency_cap && remaining > 0
      ? new Date(nowMs + ((remaining * r.avg_secs) / r.concurrency_cap) * 1000).toISOString()
      : null;
  return {
    contacts: { total, byState: r.by_state },
    skipped: r.skipped,
    outcomes: r.outcomes,
    pledges: { count: r.pledge_count, sum: r.pledge_sum },
    dialsToday: r.dials_today,
    callsInFlight: r.in_flight,
    attempts: r.attempts,
    cost: r.cost,
    averageCallSeconds: r.avg_secs === null ? null : Math.round(r.avg_secs),
    estimatedCompletionAt: eta,
  };
}
