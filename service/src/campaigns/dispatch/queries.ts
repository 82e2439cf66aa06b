import { sql } from '../../db/statement.js';

/**
 * The dispatcher's SQL, each statement with the row it returns and the parameters it takes. Times are passed in
 * ($now) rather than read from now(), so the engine's clock (shifted in tests and the demo) is the only notion of
 * "now".
 */

/** One dispatcher at a time: the tick's transaction-scoped advisory lock, or false when another holds it. */
export const TRY_DISPATCH_LOCK = sql<{ ok: boolean }, [lockKey: number]>(
  'SELECT pg_try_advisory_xact_lock($1) AS ok',
);

/** Statuses in which an attempt holds a call slot and the person's line. */
export const LIVE_STATUSES = `('claimed', 'dialing', 'placed', 'unknown')`;

export const ACCOUNT_IN_FLIGHT = sql<{ n: number }, []>(
  `SELECT count(*)::int AS n FROM call_attempts WHERE status IN ${LIVE_STATUSES}`,
);

/**
 * Active campaigns with what limits them: calls in flight and today's dials (the trigger-kept daily counter, in
 * the campaign's default zone, else UTC). Least recently served first: the allocation's round-robin order.
 */
export const ACTIVE_CAMPAIGNS = sql<
  {
    id: string;
    portal_id: string;
    concurrency_cap: number;
    daily_cap: number;
    phone_number_id: string;
    dials_per_second: string;
    calling_days: number[];
    window_start_minute: number;
    window_end_minute: number;
    blackout_dates: string[];
    pending_on_number: number;
    in_flight: number;
    dialled_today: number;
  },
  [now: Date]
>(`
  SELECT c.id::text AS id, c.portal_id, c.concurrency_cap, c.daily_cap, c.phone_number_id, c.dials_per_second,
         c.calling_days, c.window_start_minute, c.window_end_minute, c.blackout_dates::text[] AS blackout_dates,
         (SELECT count(*) FROM call_attempts a
           WHERE a.phone_number_id = c.phone_number_id AND a.status = 'claimed')::int AS pending_on_number,
         (SELECT count(*) FROM call_attempts a
           WHERE a.campaign_id = c.id AND a.status IN ${LIVE_STATUSES})::int AS in_flight,
         coalesce((SELECT d.dials FROM campaign_daily_dials d
                    WHERE d.campaign_id = c.id
                      AND d.day = ($1::timestamptz AT TIME ZONE coalesce(c.default_time_zone, 'UTC'))::date), 0)
           AS dialled_today
    FROM campaigns c
   WHERE c.status = 'active' AND c.starts_at <= $1
   ORDER BY c.last_dispatched_at, c.id`);

/** How many due contacts each campaign has, counting no further than what it could use. */
export const PROBE_DUE = sql<
  { campaign_id: string; due: number },
  [campaignIds: string[], limits: number[], now: Date]
>(`
  SELECT s.campaign_id::text AS campaign_id,
         (SELECT count(*) FROM (
            SELECT 1 FROM campaign_contacts cc
             WHERE cc.campaign_id = s.campaign_id AND cc.state = 'queued' AND cc.next_attempt_at <= $3
             LIMIT s.n) due)::int AS due
    FROM unnest($1::uuid[], $2::int[]) AS s(campaign_id, n)`);

/**
 * Claims up to n due contacts per campaign, earliest first (ties by id, the order the pre-dial HubSpot reads
 * follow); rows another dispatcher holds are skipped.
 */
export const CLAIM_DUE = sql<
  {
    id: string;
    portal_id: string;
    campaign_id: string;
    contact_id: string;
    phone_e164: string;
    time_zones: string[];
    us_state: string | null;
  },
  [campaignIds: string[], counts: number[], now: Date]
>(`
  SELECT cc.id, cc.portal_id, cc.campaign_id::text AS campaign_id, cc.contact_id, cc.phone_e164, cc.time_zones,
         cc.us_state, cc.attempts
    FROM unnest($1::uuid[], $2::int[]) AS s(campaign_id, n)
   CROSS JOIN LATERAL (
     SELECT * FROM campaign_contacts c
      WHERE c.campaign_id = s.campaign_id AND c.state = 'queued' AND c.next_attempt_at <= $3
      ORDER BY c.next_attempt_at, c.id
      LIMIT s.n
      FOR UPDATE SKIP LOCKED) cc`);

/**
 * For each (portal, phone): on the do-not-call list? already in a call (any campaign)? dials in the last 24 h,
 * and the oldest of them (when the frequency cap frees up).
 */
export const PHONE_CHECKS = sql<
  {
    portal_id: string;
    phone: string;
    suppressed: boolean;
    busy: boolean;
    dials_24h: number;
    oldest_dial_24h: Date | null;
  },
  [portalIds: string[], phones: string[], now: Date]
>(`
  SELECT p.portal_id, p.phone,
         EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.portal_id = p.portal_id
                    AND s.phone_e164 IN (p.phone, erased_phone_digest(p.portal_id, p.phone))) AS suppressed,
         EXISTS (SELECT 1 FROM call_attempts a
                  WHERE a.portal_id = p.portal_id AND a.phone_e164 = p.phone AND a.status IN ${LIVE_STATUSES}) AS busy,
         (SELECT count(*) FROM call_attempts a
           WHERE a.portal_id = p.portal_id AND a.phone_e164 = p.phone AND a.status <> 'not_placed'
             AND a.dial_started_at > $3::timestamptz - interval '24 hours')::int AS dials_24h,
         (SELECT min(a.dial_started_at) FROM call_attempts a
           WHERE a.portal_id = p.portal_id AND a.phone_e164 = p.phone AND a.status <> 'not_placed'
             AND a.dial_started_at > $3::timestamptz - interval '24 hours') AS oldest_dial_24h
    FROM unnest($1::bigint[], $2::text[]) AS p(portal_id, phone)`);

/**
 * Creates the claimed attempts. The unique index on live attempts per (portal, phone) turns a race between two
 * campaigns claiming the same person into a skipped row, never into two calls.
 */
export const INSERT_CLAIMED_ATTEMPTS = sql<
  { id: string; campaign_contact_id: string; portal_id: string },
  [
    portalIds: string[],
    campaignIds: string[],
    campaignContactIds: string[],
    contactIds: string[],
    phones: string[],
    claimedAt: Date,
  ]
>(`
  INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                             status, claimed_at)
  SELECT x.portal_id, x.campaign_id, x.contact_row, x.contact_id, x.phone, c.phone_number_id, 'claimed', $6
    FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::text[]) AS x(portal_id, campaign_id,
         contact_row, contact_id, phone)
    JOIN campaigns c ON c.id = x.campaign_id AND c.portal_id = x.portal_id
  ON CONFLICT DO NOTHING
  RETURNING id::text, campaign_contact_id, portal_id`);

export const MARK_DIALING = sql<never, [campaignContactIds: string[], at: Date]>(`
  UPDATE campaign_contacts SET state = 'dialing', wait_reason = NULL, updated_at = $2
   WHERE id = ANY($1::bigint[])`);

/** Puts claimed-but-not-dialled contacts back with a new time and the reason they wait. */
export const RESCHEDULE = sql<
  never,
  [campaignContactIds: string[], nextAttemptAts: Date[], waitReasons: string[], at: Date]
>(`
  UPDATE campaign_contacts cc
     SET next_attempt_at = x.at, wait_reason = x.reason, updated_at = $4
    FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS x(id, at, reason)
   WHERE cc.id = x.id`);

export const SKIP_SUPPRESSED = sql<never, [campaignContactIds: string[], at: Date]>(`
  UPDATE campaign_contacts SET state = 'skipped', skip_reason = 'suppressed', next_attempt_at = NULL,
         wait_reason = NULL, updated_at = $2
   WHERE id = ANY($1::bigint[])`);

export const TOUCH_CAMPAIGNS = sql<never, [campaignIds: string[], at: Date]>(
  `UPDATE campaigns SET last_dispatched_at = $2 WHERE id = ANY($1::uuid[])`,
);

/**
 * Active campaigns with nothing left to dial or waiting for an outcome are complete, unless they are open for
 * workflow enrolments (they wait, idle, for the next contact a workflow sends).
 */
export const COMPLETE_FINISHED = sql<{ id: string }, [campaignIds: string[], at: Date]>(`
  UPDATE campaigns c SET status = 'completed', updated_at = $2
   WHERE c.id = ANY($1::uuid[]) AND c.status = 'active' AND NOT c.open_for_enrolments
     AND NOT EXISTS (SELECT 1 FROM campaign_contacts cc
                      WHERE cc.campaign_id = c.id AND cc.state IN ('imported', 'queued', 'dialing'))
  RETURNING c.id::text`);
