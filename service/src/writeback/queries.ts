import { sql } from '../db/statement.js';

/**
 * SQL of the HubSpot write-back, each statement with the row it returns and the parameters it takes. Every
 * statement is scoped to one portal.
 */

/** An outcome is owed to HubSpot once: a replayed webhook inserts nothing. */
export const INSERT_WRITE = sql<{ id: number }, [portalId: number, attemptId: string]>(`
  INSERT INTO crm_writes (portal_id, attempt_id) VALUES ($1, $2)
  ON CONFLICT (attempt_id) DO NOTHING
  RETURNING id`);

export const LOAD_PORTAL = sql<
  { crm_setup_at: Date | null; app_events_event_type: string | null },
  [portalId: number]
>(`
  SELECT crm_setup_at, app_events_event_type FROM portals WHERE portal_id = $1`);

export const MARK_PORTAL_SET_UP = sql<never, [portalId: number, at: Date]>(`
  UPDATE portals SET crm_setup_at = $2, updated_at = $2 WHERE portal_id = $1`);

/**
 * Rows a run did not get to write (the portal's setup failed, or HubSpot was failing on an earlier page): they
 * say why they wait, and count the run, so ops see them and the stranded-row sweep leaves them to the retries.
 */
export const NOTE_NOT_TRIED = sql<never, [portalId: number, afterId: number, upToId: number, error: string]>(`
  UPDATE crm_writes SET attempts = attempts + 1, last_error = $4
   WHERE portal_id = $1 AND status = 'pending' AND id > $2 AND id <= $3`);

/**
 * One drain per portal at a time, even when pg-boss runs a job twice (an expired job whose handler still runs):
 * two drains would both create the same pending calls. Session-level, so a dead process releases it.
 */
export const TRY_LOCK_PORTAL = sql<{ locked: boolean }, [portalId: number]>(`
  SELECT pg_try_advisory_lock(hashtextextended('crm-writeback:' || $1::text, 0)) AS locked`);

export const UNLOCK_PORTAL = sql<{ pg_advisory_unlock: boolean }, [portalId: number]>(`
  SELECT pg_advisory_unlock(hashtextextended('crm-writeback:' || $1::text, 0))`);

/**
 * Where a run stops: rows queued while it runs wait for the portal's next job (their enqueue queued it), so they
 * are written as full batches instead of trickling into this run one small page at a time.
 */
export const LAST_PENDING_ID = sql<{ last: number }, [portalId: number]>(`
  SELECT coalesce(max(id), 0)::bigint AS last FROM crm_writes WHERE portal_id = $1 AND status = 'pending'`);

/** The next page of a portal's pending rows after the cursor, with what the Calls engagement needs. */
export const NEXT_PENDING = sql<
  {
    id: number;
    attempt_id: string;
    call_done: boolean;
    contact_done: boolean;
    app_event_done: boolean;
    call_unknown_at: Date | null;
    contact_id: string;
    phone_e164: string;
    outcome: string | null;
    outcome_detail: unknown;
    conversation_id: string | null;
    ended_at: Date | null;
    placed_at: Date | null;
    dial_started_at: Date | null;
    campaign_name: string;
  },
  [portalId: number, afterId: number, limit: number, upToId: number]
>(`
  SELECT w.id, w.attempt_id::text AS attempt_id, w.call_done, w.contact_done, w.app_event_done,
         w.call_unknown_at,
         a.contact_id, a.phone_e164, a.outcome, a.outcome_detail, a.conversation_id,
         a.ended_at, a.placed_at, a.dial_started_at,
         c.name AS campaign_name
    FROM crm_writes w
    JOIN call_attempts a ON a.id = w.attempt_id AND a.portal_id = w.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE w.portal_id = $1 AND w.status = 'pending' AND w.id > $2 AND w.id <= $4
   ORDER BY w.id
   LIMIT $3`);

/**
 * What the contact's properties say, from every outcome of the contact in the portal rather than the rows at
 * hand: the latest outcome wins whatever order the write-backs run in, and a re-run writes the same values.
 * The pledge is the latest pledge (a later "declined" does not erase it); the do-not-call flag is set by any
 * opt-out, on the property of each campaign it happened in.
 */
export const CONTACT_FACTS = sql<
  {
    contact_id: string;
    /** The contact's latest ended attempt, whose values these are. */
    latest_attempt_id: string;
    outcome: string;
    started_at_ms: unknown;
    ended_at: Date | null;
    placed_at: Date | null;
    dial_started_at: Date | null;
    pledge_amount: unknown;
    pledge_frequency: unknown;
    attempts: number;
    dnc_properties: string[];
  },
  [portalId: number, contactIds: readonly string[]]
>(`
  WITH latest AS (
    SELECT DISTINCT ON (a.contact_id) a.contact_id, a.id::text AS attempt_id, a.outcome,
           a.outcome_detail->'startedAtMs' AS started_at_ms,
           a.ended_at, a.placed_at, a.dial_started_at
      FROM call_attempts a
     WHERE a.portal_id = $1 AND a.contact_id = ANY($2::text[]) AND a.status = 'ended' AND a.outcome IS NOT NULL
     ORDER BY a.contact_id, a.ended_at DESC, a.id DESC
  ), pledge AS (
    SELECT DISTINCT ON (a.contact_id) a.contact_id, a.outcome_detail->'pledgeAmount' AS amount,
           a.outcome_detail->'pledgeFrequency' AS frequency
      FROM call_attempts a
     WHERE a.portal_id = $1 AND a.contact_id = ANY($2::text[]) AND a.status = 'ended' AND a.outcome = 'pledged'
     ORDER BY a.contact_id, a.ended_at DESC, a.id DESC
  ), tries AS (
    SELECT contact_id, sum(attempts)::int AS attempts
      FROM campaign_contacts
     WHERE portal_id = $1 AND contact_id = ANY($2::text[])
     GROUP BY contact_id
  ), dnc AS (
    SELECT a.contact_id, array_agg(DISTINCT c.dnc_property) AS properties
      FROM call_attempts a
      JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
     WHERE a.portal_id = $1 AND a.contact_id = ANY($2::text[]) AND a.status = 'ended' AND a.outcome = 'opted_out'
       -- An opt-out a fundraiser has since cleared (the donor consented again) no longer sets the flag.
       AND NOT EXISTS (SELECT 1 FROM contact_do_not_call x
                        WHERE x.portal_id = a.portal_id AND x.contact_id = a.contact_id
                          AND NOT x.do_not_call AND x.changed_at >= a.ended_at)
     GROUP BY a.contact_id
  )
  SELECT l.contact_id, l.attempt_id AS latest_attempt_id, l.outcome, l.started_at_ms, l.ended_at, l.placed_at, l.dial_started_at,
         p.amount AS pledge_amount, p.frequency AS pledge_frequency,
         coalesce(t.attempts, 0) AS attempts, coalesce(d.properties, '{}') AS dnc_properties
    FROM latest l
    LEFT JOIN pledge p USING (contact_id)
    LEFT JOIN tries t USING (contact_id)
    LEFT JOIN dnc d USING (contact_id)`);

/**
 * Committed before a Calls create leaves: if the answer is lost, or this process dies before recording it, the
 * rows say "HubSpot may have these", so the next run looks them up instead of creating them a second time.
 */
export const MARK_CALLS_IN_FLIGHT = sql<never, [portalId: number, ids: readonly number[], at: Date]>(`
  UPDATE crm_writes SET call_unknown_at = $3 WHERE portal_id = $1 AND id = ANY($2::bigint[])`);

export const MARK_CALLS_CREATED = sql<
  never,
  [portalId: number, ids: readonly number[], callIds: readonly string[]]
>(`
  UPDATE crm_writes w SET call_done = true, hubspot_call_id = x.call_id, call_unknown_at = NULL
    FROM unnest($2::bigint[], $3::text[]) AS x (id, call_id)
   WHERE w.portal_id = $1 AND w.id = x.id`);

/** HubSpot certainly did not create these (it refused the request): creating them later is safe. */
export const CLEAR_CALLS_IN_FLIGHT = sql<never, [portalId: number, ids: readonly number[]]>(`
  UPDATE crm_writes SET call_unknown_at = NULL WHERE portal_id = $1 AND id = ANY($2::bigint[])`);

/**
 * Settles a page: parts done, errors, and the row's status. attempts counts the runs in which a part failed;
 * last_error is kept until the row is done, so ops can see why it waited.
 */
export const SETTLE_ROWS = sql<
  never,
  [
    portalId: number,
    ids: readonly number[],
    at: Date,
    contactDone: readonly boolean[],
    appEventDone: readonly boolean[],
    failed: readonly boolean[],
    errors: readonly (string | null)[],
    statuses: readonly string[],
  ]
>(`
  UPDATE crm_writes w
     SET contact_done = w.contact_done OR x.contact_done,
         app_event_done = w.app_event_done OR x.app_event_done,
         attempts = w.attempts + CASE WHEN x.failed THEN 1 ELSE 0 END,
         last_error = CASE WHEN x.status = 'done' THEN NULL ELSE coalesce(x.error, w.last_error) END,
         status = x.status,
         done_at = CASE WHEN x.status = 'done' THEN $3::timestamptz ELSE NULL END
    FROM unnest($2::bigint[], $4::boolean[], $5::boolean[], $6::boolean[], $7::text[], $8::text[])
         AS x (id, contact_done, app_event_done, failed, error, status)
   WHERE w.portal_id = $1 AND w.id = x.id AND w.status = 'pending'`);

/**
 * Portals with rows no run has touched for a while. A row's enqueue can lose a race (its send met a job that
 * started before the row committed, so that job never saw it); the sweep queues a job for such portals.
 */
export const STRANDED_PORTALS = sql<{ portal_id: number }, [olderThanSecs: number]>(`
  SELECT DISTINCT portal_id FROM crm_writes
   WHERE status = 'pending' AND attempts = 0 AND created_at < now() - make_interval(secs => $1)`);
