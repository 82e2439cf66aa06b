import type { CallOutcome } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';

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

const STATS = `
  WITH contacts AS (
    SELECT state, skip_reason, last_outcome FROM campaign_contacts WHERE campaign_id = $1 AND portal_id = $2
  ), attempts AS (
    SELECT status, outcome, outcome_detail FROM call_attempts WHERE campaign_id = $1 AND portal_id = $2
  )
  SELECT
    (SELECT coalesce(jsonb_object_agg(state, n), '{}') FROM (SELECT state, count(*) n FROM contacts GROUP BY 1) s) AS by_state,
    (SELECT coalesce(jsonb_object_agg(skip_reason, n), '{}')
       FROM (SELECT skip_reason, count(*) n FROM contacts WHERE skip_reason IS NOT NULL GROUP BY 1) s) AS skipped,
    (SELECT coalesce(jsonb_object_agg(last_outcome, n), '{}')
       FROM (SELECT last_outcome, count(*) n FROM contacts WHERE last_outcome IS NOT NULL GROUP BY 1) s) AS outcomes,
    (SELECT count(*) FROM attempts WHERE outcome = 'pledged')::int AS pledge_count,
    (SELECT coalesce(sum((outcome_detail->>'pledgeAmount')::numeric), 0) FROM attempts
      WHERE outcome = 'pledged' AND jsonb_typeof(outcome_detail->'pledgeAmount') = 'number')::float8 AS pledge_sum,
    (SELECT count(*) FROM attempts WHERE status IN ('claimed', 'dialing', 'placed', 'unknown'))::int AS in_flight,
    (SELECT count(*) FROM attempts WHERE status <> 'not_placed')::int AS attempts,
    (SELECT coalesce(sum((outcome_detail->>'cost')::numeric), 0) FROM attempts
      WHERE jsonb_typeof(outcome_detail->'cost') = 'number')::float8 AS cost,
    (SELECT avg((outcome_detail->>'durationSecs')::numeric) FROM attempts
      WHERE jsonb_typeof(outcome_detail->'durationSecs') = 'number')::float8 AS avg_secs,
    coalesce((SELECT d.dials FROM campaign_daily_dials d JOIN campaigns c ON c.id = d.campaign_id
       WHERE d.campaign_id = $1 AND d.day = ($3::timestamptz AT TIME ZONE coalesce(c.default_time_zone, 'UTC'))::date), 0)
      AS dials_today,
    (SELECT concurrency_cap FROM campaigns WHERE id = $1 AND portal_id = $2) AS concurrency_cap`;

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
  const { rows } = await db.query(STATS, [campaignId, portalId, new Date(nowMs)]);
  const r = rows[0] as {
    by_state: Record<string, number>;
    skipped: Record<string, number>;
    outcomes: Partial<Record<CallOutcome, number>>;
    pledge_count: number;
    pledge_sum: number;
    in_flight: number;
    attempts: number;
    cost: number;
    avg_secs: number | null;
    dials_today: number;
    concurrency_cap: number | null;
  };
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
