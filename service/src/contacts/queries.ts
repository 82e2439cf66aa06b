import { sql } from '../db/statement.js';

/**
 * SQL of the contact views and of do-not-call, each statement with the row it returns and the parameters it takes.
 * Every statement filters on the caller's portal: a contact id of another portal finds nothing.
 * Times come in as parameters (the engine's clock), never from now().
 */

/** Statuses of an attempt that is, or was, a call (claimed and not_placed never rang anyone). */
const CALL_STATUSES = `('dialing', 'placed', 'unknown', 'ended')`;

/** A number from outcome_detail only when it is one (rows may come from older deploys or have no detail). */
const detailNumber = (key: string) =>
  `CASE WHEN jsonb_typeof(a.outcome_detail->'${key}') = 'number' THEN (a.outcome_detail->>'${key}')::float8 END`;
const detailText = (key: string) =>
  `CASE WHEN jsonb_typeof(a.outcome_detail->'${key}') = 'string' THEN a.outcome_detail->>'${key}' END`;

/**
 * One page of the contact's calls across the portal's campaigns, newest first. Reached through campaign_contacts
 * (indexed by portal and contact), then each row's attempts (indexed by campaign contact). The transcript stays
 * in the database: only the fields the tab shows are read out of outcome_detail.
 */
export const CONTACT_CALLS = sql<
  {
    attempt_id: string;
    campaign_id: string;
    campaign_name: string;
    status: string;
    outcome: string | null;
    conversation_id: string | null;
    started_at: Date;
    ended_at: Date | null;
    duration_secs: number | null;
    summary: string | null;
    pledge_amount: number | null;
    pledge_frequency: string | null;
  },
  [portalId: number, contactId: string, limit: number, offset: number]
>(`
  SELECT a.id::text AS attempt_id, c.id::text AS campaign_id, c.name AS campaign_name, a.status, a.outcome,
         a.conversation_id,
         coalesce(to_timestamp(${detailNumber('startedAtMs')} / 1000), a.dial_started_at, a.claimed_at) AS started_at,
         a.ended_at,
         ${detailNumber('durationSecs')} AS duration_secs,
         ${detailText('summary')} AS summary,
         CASE WHEN a.outcome = 'pledged' THEN ${detailNumber('pledgeAmount')} END AS pledge_amount,
         CASE WHEN a.outcome = 'pledged' THEN ${detailText('pledgeFrequency')} END AS pledge_frequency
    FROM campaign_contacts cc
    JOIN call_attempts a ON a.campaign_contact_id = cc.id AND a.portal_id = cc.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE cc.portal_id = $1 AND cc.contact_id = $2 AND a.status IN ${CALL_STATUSES}
   ORDER BY started_at DESC, a.id DESC
   LIMIT $3 OFFSET $4`);

export const COUNT_CONTACT_CALLS = sql<{ n: number }, [portalId: number, contactId: string]>(`
  SELECT count(*)::int AS n
    FROM campaign_contacts cc
    JOIN call_attempts a ON a.campaign_contact_id = cc.id AND a.portal_id = cc.portal_id
   WHERE cc.portal_id = $1 AND cc.contact_id = $2 AND a.status IN ${CALL_STATUSES}`);

/** The contact in the portal's active and paused campaigns, newest campaign first. */
export const CONTACT_CAMPAIGN_STATES = sql<
  {
    campaign_id: string;
    campaign_name: string;
    campaign_status: string;
    max_attempts: number;
    state: string;
    skip_reason: string | null;
    attempts: number;
    next_attempt_at: Date | null;
    wait_reason: string | null;
    last_outcome: string | null;
    last_attempt_at: Date | null;
    time_zones: string[];
  },
  [portalId: number, contactId: string]
>(`
  SELECT c.id::text AS campaign_id, c.name AS campaign_name, c.status AS campaign_status, c.max_attempts,
         cc.state, cc.skip_reason, cc.attempts, cc.next_attempt_at, cc.wait_reason, cc.last_outcome,
         cc.last_attempt_at, cc.time_zones
    FROM campaign_contacts cc
    JOIN campaigns c ON c.id = cc.campaign_id AND c.portal_id = cc.portal_id
   WHERE cc.portal_id = $1 AND cc.contact_id = $2 AND c.status IN ('active', 'paused')
   ORDER BY c.created_at DESC, c.id`);

/**
 * What we know of the contact from its campaigns: its numbers (what the engine dials), how many campaign rows it
 * has, and the region its numbers are read in (the newest campaign's).
 */
export const CONTACT_FOOTPRINT = sql<
  { phones: string[]; campaign_rows: number; region: string | null },
  [portalId: number, contactId: string]
>(`
  SELECT coalesce(array_agg(DISTINCT cc.phone_e164) FILTER (WHERE cc.phone_e164 IS NOT NULL), '{}') AS phones,
         count(*)::int AS campaign_rows,
         (array_agg(c.default_region ORDER BY c.created_at DESC))[1] AS region
    FROM campaign_contacts cc
    JOIN campaigns c ON c.id = cc.campaign_id AND c.portal_id = cc.portal_id
   WHERE cc.portal_id = $1 AND cc.contact_id = $2`);

/**
 * The HubSpot properties that carry do-not-call for this contact: those of its own campaigns and of the portal's
 * campaigns still to run or running (their dial-time checks read them). Finished campaigns' properties are left
 * out: a property deleted in HubSpot since would make HubSpot refuse the whole update.
 */
export const DNC_PROPERTIES = sql<{ properties: string[] }, [portalId: number, contactId: string]>(`
  SELECT coalesce(array_agg(DISTINCT c.dnc_property), '{}') AS properties
    FROM campaigns c
   WHERE c.portal_id = $1
     AND (c.status IN ('draft', 'importing', 'ready', 'active', 'paused')
          OR EXISTS (SELECT 1 FROM campaign_contacts cc
                      WHERE cc.campaign_id = c.id AND cc.portal_id = c.portal_id AND cc.contact_id = $2))`);

/** Serialises do-not-call changes of one contact (two clicks, HubSpot's retry of a PUT). */
export const LOCK_CONTACT_DNC = sql<never, [portalId: number, contactId: string]>(`
  SELECT pg_advisory_xact_lock(hashtextextended('contact-dnc:' || $1::text || ':' || $2, 0))`);

export const LOAD_DNC = sql<
  {
    do_not_call: boolean;
    reason: string | null;
    phones: string[];
    properties: string[];
    changed_by_user_id: number | null;
    changed_at: Date;
    version: number;
    sync_status: 'pending' | 'done' | 'failed';
    last_error: string | null;
  },
  [portalId: number, contactId: string]
>(`
  SELECT do_not_call, reason, phones, properties, changed_by_user_id, changed_at, version, sync_status, last_error
    FROM contact_do_not_call WHERE portal_id = $1 AND contact_id = $2`);

/**
 * The portal's suppressions of these numbers, and whether another contact's do-not-call (set by a person, still
 * on) covers the number too: a household line stays blocked when one of its contacts is cleared.
 */
export const SUPPRESSIONS_OF = sql<
  { phone: string; reason: string; source: string | null; created_at: Date; held_by_other_contact: boolean },
  [portalId: number, phones: readonly string[], contactId: string]
>(`
  SELECT s.phone_e164 AS phone, s.reason, s.source, s.created_at,
         EXISTS (SELECT 1 FROM contact_do_not_call d
                  WHERE d.portal_id = s.portal_id AND d.contact_id <> $3 AND d.do_not_call
                    AND d.phones @> ARRAY[s.phone_e164]) AS held_by_other_contact
    FROM suppressions s
   WHERE s.portal_id = $1 AND s.phone_e164 = ANY($2::text[])
   ORDER BY s.created_at, s.phone_e164
     FOR UPDATE OF s`);

/** Read-only twin of SUPPRESSIONS_OF for the state view (no row locks). */
export const SUPPRESSIONS_FOR_VIEW = sql<
  { phone: string; reason: string; source: string | null; created_at: Date },
  [portalId: number, phones: readonly string[]]
>(`
  SELECT phone_e164 AS phone, reason, source, created_at
    FROM suppressions WHERE portal_id = $1 AND phone_e164 = ANY($2::text[])
   ORDER BY created_at, phone_e164`);

/** Puts numbers on the list; a number already there keeps its reason (an opt-out stays an opt-out). */
export const SUPPRESS_NUMBERS = sql<
  never,
  [portalId: number, phones: readonly string[], source: string, at: Date]
>(`
  INSERT INTO suppressions (portal_id, phone_e164, reason, source, created_at)
  SELECT $1, p, 'manual', $3, $4 FROM unnest($2::text[]) AS p
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/** Removes exactly the (number, reason) pairs a clear decided on; returns what it removed. */
export const UNSUPPRESS = sql<
  { phone: string; reason: string; source: string | null },
  [portalId: number, phones: readonly string[], reasons: readonly string[]]
>(`
  DELETE FROM suppressions s
   USING unnest($2::text[], $3::text[]) AS x(phone, reason)
   WHERE s.portal_id = $1 AND s.phone_e164 = x.phone AND s.reason = x.reason
  RETURNING s.phone_e164 AS phone, s.reason, s.source`);

/**
 * A cleared contact's pre-dial HubSpot reads are forgotten: one taken before the clear still says do-not-call, and
 * a dial relying on it would put the number back on the list.
 */
export const FORGET_DIAL_CHECKS = sql<never, [portalId: number, contactId: string]>(`
  UPDATE campaign_contacts SET crm_check = NULL, crm_checked_at = NULL
   WHERE portal_id = $1 AND contact_id = $2 AND crm_check IS NOT NULL`);

/** The latest decision; a new one owes HubSpot a write again (version bumped, sync pending). */
export const UPSERT_DNC = sql<
  { version: number },
  [
    portalId: number,
    contactId: string,
    doNotCall: boolean,
    reason: string | null,
    phones: readonly string[],
    properties: readonly string[],
    userId: number | null,
    at: Date,
  ]
>(`
  INSERT INTO contact_do_not_call (portal_id, contact_id, do_not_call, reason, phones, properties,
                                   changed_by_user_id, changed_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (portal_id, contact_id) DO UPDATE
     SET do_not_call = EXCLUDED.do_not_call, reason = EXCLUDED.reason,
         phones = ARRAY(SELECT DISTINCT p FROM unnest(contact_do_not_call.phones || EXCLUDED.phones) AS p ORDER BY p),
         properties = EXCLUDED.properties, changed_by_user_id = EXCLUDED.changed_by_user_id,
         changed_at = EXCLUDED.changed_at, version = contact_do_not_call.version + 1,
         sync_status = 'pending', sync_attempts = 0, last_error = NULL
  RETURNING version`);

export const INSERT_DNC_CHANGE = sql<
  never,
  [
    portalId: number,
    contactId: string,
    doNotCall: boolean,
    reason: string | null,
    userId: number | null,
    phones: readonly string[],
    removed: string,
    overrideOptOut: boolean,
    at: Date,
  ]
>(`
  INSERT INTO contact_do_not_call_changes (portal_id, contact_id, do_not_call, reason, user_id, phones, removed,
                                           override_opt_out, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`);

/** Marks the version the job wrote as synced; a newer decision made meanwhile stays pending for its own job. */
export const MARK_DNC_SYNCED = sql<never, [portalId: number, contactId: string, version: number, at: Date]>(`
  UPDATE contact_do_not_call
     SET sync_status = 'done', synced_version = $3, synced_at = $4, last_error = NULL
   WHERE portal_id = $1 AND contact_id = $2 AND version = $3`);

export const MARK_DNC_REFUSED = sql<
  never,
  [portalId: number, contactId: string, version: number, error: string]
>(`
  UPDATE contact_do_not_call
     SET sync_status = 'failed', sync_attempts = sync_attempts + 1, last_error = $4
   WHERE portal_id = $1 AND contact_id = $2 AND version = $3`);

/** A failed try that will be retried: the row stays pending and says why it waits. */
export const NOTE_DNC_SYNC_ERROR = sql<
  never,
  [portalId: number, contactId: string, version: number, error: string]
>(`
  UPDATE contact_do_not_call SET sync_attempts = sync_attempts + 1, last_error = $4
   WHERE portal_id = $1 AND contact_id = $2 AND version = $3`);

export const PORTAL_CRM_SETUP = sql<{ crm_setup_at: Date | null }, [portalId: number]>(
  'SELECT crm_setup_at FROM portals WHERE portal_id = $1',
);

export const MARK_PORTAL_CRM_SET_UP = sql<never, [portalId: number, at: Date]>(
  'UPDATE portals SET crm_setup_at = $2, updated_at = $2 WHERE portal_id = $1 AND crm_setup_at IS NULL',
);
