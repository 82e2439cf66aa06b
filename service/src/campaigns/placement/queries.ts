import { sql } from '../../db/statement.js';
import type { StoredDialCheck } from './crm-dial-check.js';

/**
 * SQL of placement: the placement job, the pre-dial HubSpot checks, reconciliation of unknown dials and the sweep
 * of stuck attempts; each statement with the row it returns and the parameters it takes.
 */

/** An attempt with its contact and campaign: all a dial needs to decide on and place the call. */
export const LOAD_ATTEMPT = sql<
  {
    id: string;
    status: 'claimed' | 'dialing' | 'placed' | 'unknown' | 'ended' | 'not_placed';
    portal_id: string;
    campaign_id: string;
    campaign_contact_id: string;
    contact_id: string;
    phone_e164: string;
    phone_number_id: string;
    time_zones: string[];
    us_state: string | null;
    variables: Record<string, string>;
    attempts: number;
    campaign_status: string;
    agent_id: string;
    phone_provider: 'twilio' | 'sip_trunk';
    campaign_name: string;
    calling_days: number[];
    window_start_minute: number;
    window_end_minute: number;
    blackout_dates: string[];
    dnc_property: string;
    consent_property: string;
    require_consent: boolean;
    dials_per_second: string;
    first_message: string | null;
    crm_check: StoredDialCheck | null;
    crm_checked_at: Date | null;
    /** When the contact became due (its next_attempt_at, unchanged while it is dialled). */
    due_at: Date | null;
  },
  [attemptId: string, portalId: number]
>(`
  SELECT a.id::text AS id, a.status, a.portal_id, a.campaign_id::text AS campaign_id, a.campaign_contact_id,
         a.contact_id, a.phone_e164, a.phone_number_id, a.dial_started_at,
         cc.time_zones, cc.us_state, cc.variables, cc.attempts, cc.crm_check, cc.crm_checked_at,
         cc.next_attempt_at AS due_at,
         c.status AS campaign_status, c.agent_id, c.phone_provider, c.name AS campaign_name,
         c.calling_days, c.window_start_minute, c.window_end_minute, c.blackout_dates::text[] AS blackout_dates,
         c.dnc_property, c.consent_property, c.require_consent, c.dials_per_second, c.first_message
    FROM call_attempts a
    JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE a.id = $1 AND a.portal_id = $2`);

export const IS_SUPPRESSED = sql<{ suppressed: boolean }, [portalId: string, phone: string]>(
  `SELECT EXISTS (SELECT 1 FROM suppressions
                   WHERE portal_id = $1 AND phone_e164 IN ($2, erased_phone_digest($1, $2))) AS suppressed`,
);

export const DIALS_LAST_24H = sql<
  { n: number },
  [portalId: string, phone: string, exceptAttemptId: string, now: Date]
>(`
  SELECT count(*)::int AS n FROM call_attempts
   WHERE portal_id = $1 AND phone_e164 = $2 AND id <> $3 AND status <> 'not_placed'
     AND dial_started_at > $4::timestamptz - interval '24 hours'`);

export const SUPPRESS = sql<never, [portalId: string, phone: string, reason: string, source: string]>(`
  INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, $3, $4)
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/** The next dial slot of a caller number: one every 1/rate seconds, never in the past. */
export const TAKE_PACING_SLOT = sql<
  { next_slot_at: Date },
  [phoneNumberId: string, now: Date, dialsPerSecond: number]
>(`
  INSERT INTO caller_pacing (phone_number_id, next_slot_at) VALUES ($1, $2)
  ON CONFLICT (phone_number_id) DO UPDATE
     SET next_slot_at = greatest(caller_pacing.next_slot_at + make_interval(secs => 1.0 / $3::float8), $2)
  RETURNING next_slot_at`);

/**
 * The point of no return, committed before the request leaves: from here the call may exist. Not while the
 * provider's Retry-After holds dials (checked in this same statement, so a hold set by another process a moment
 * ago is seen).
 */
export const MARK_ATTEMPT_DIALING = sql<never, [attemptId: string, at: Date]>(`
  UPDATE call_attempts SET status = 'dialing', dial_started_at = $2, updated_at = $2
   WHERE id = $1 AND status = 'claimed'
     AND NOT EXISTS (SELECT 1 FROM provider_backoff WHERE provider = 'elevenlabs' AND until > $2)`);

/**
 * A claim given back without dialling. Only a claim: should a second delivery of the placement job have moved the
 * attempt on (dialling, placed), it is that job's now, and this one leaves it alone.
 */
export const RELEASE_CLAIM = sql<never, [attemptId: string, reason: string, at: Date]>(`
  UPDATE call_attempts SET status = 'not_placed', not_placed_reason = $2, updated_at = $3
   WHERE id = $1 AND status = 'claimed'`);

export const ATTEMPT_STATUS = sql<{ status: string }, [attemptId: string]>(
  'SELECT status FROM call_attempts WHERE id = $1',
);

export const MARK_ATTEMPT_PLACED = sql<
  never,
  [attemptId: string, conversationId: string, callSid: string | null, at: Date, checkDueAt: Date]
>(`
  UPDATE call_attempts SET status = 'placed', conversation_id = $2, call_sid = $3, placed_at = $4, updated_at = $4,
         check_due_at = $5
   WHERE id = $1 AND status IN ('dialing', 'unknown')`);

export const MARK_ATTEMPT_UNKNOWN = sql<never, [attemptId: string, reason: string, at: Date]>(`
  UPDATE call_attempts SET status = 'unknown', not_placed_reason = $2, updated_at = $3
   WHERE id = $1 AND status = 'dialing'`);

/** Certainly no call: frees the slot and the person's line. */
export const MARK_ATTEMPT_NOT_PLACED = sql<never, [attemptId: string, reason: string, at: Date]>(`
  UPDATE call_attempts SET status = 'not_placed', not_placed_reason = $2, updated_at = $3
   WHERE id = $1 AND status IN ('claimed', 'dialing', 'unknown')`);

export const COUNT_ATTEMPT = sql<never, [campaignContactId: string, at: Date]>(`
  UPDATE campaign_contacts SET attempts = attempts + 1, last_attempt_at = $2, updated_at = $2 WHERE id = $1`);

/** The contact waits again (not dialled this time; no attempt counted). */
export const REQUEUE_CONTACT = sql<
  never,
  [campaignContactId: string, nextAttemptAt: Date, waitReason: string, at: Date]
>(`
  UPDATE campaign_contacts SET state = 'queued', next_attempt_at = $2, wait_reason = $3, updated_at = $4
   WHERE id = $1 AND state = 'dialing'`);

export const FINISH_CONTACT = sql<never, [campaignContactId: string, outcome: string, at: Date]>(`
  UPDATE campaign_contacts SET state = 'done', last_outcome = $2, next_attempt_at = NULL, wait_reason = NULL,
         updated_at = $3
   WHERE id = $1`);

export const SKIP_CONTACT = sql<never, [campaignContactId: string, skipReason: string, at: Date]>(`
  UPDATE campaign_contacts SET state = 'skipped', skip_reason = $2, next_attempt_at = NULL, wait_reason = NULL,
         updated_at = $3
   WHERE id = $1`);

/** An attempt whose dial result is unknown, and the agent its conversation would be under. */
export const LOAD_UNKNOWN_DIAL = sql<
  {
    id: string;
    status: string;
    campaign_contact_id: string;
    dial_started_at: Date | null;
    agent_id: string;
  },
  [attemptId: string, portalId: number]
>(`
  SELECT a.id::text AS id, a.status, a.campaign_contact_id, a.dial_started_at, c.agent_id
    FROM call_attempts a JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE a.id = $1 AND a.portal_id = $2`);

/**
 * The next due contacts of each active campaign, in the dispatcher's claim order, with whether their stored
 * HubSpot check is still fresh for the campaign's current do-not-call and consent properties.
 */
export const DIAL_CHECK_CANDIDATES = sql<
  {
    campaign_id: string;
    portal_id: string;
    dnc_property: string;
    consent_property: string;
    campaign_contact_id: string;
    contact_id: string;
    fresh: boolean;
  },
  [dueBefore: Date, freshAfter: Date, perCampaign: number]
>(`
  SELECT c.id::text AS campaign_id, c.portal_id, c.dnc_property, c.consent_property,
         n.id AS campaign_contact_id, n.contact_id, n.fresh
    FROM campaigns c
   CROSS JOIN LATERAL (
         SELECT cc.id, cc.contact_id, cc.next_attempt_at,
                coalesce(cc.crm_checked_at > $2
                         AND cc.crm_check->>'dncProperty' = c.dnc_property
                         AND cc.crm_check->>'consentProperty' = c.consent_property, false) AS fresh
           FROM campaign_contacts cc
          WHERE cc.campaign_id = c.id AND cc.portal_id = c.portal_id
            AND cc.state = 'queued' AND cc.next_attempt_at <= $1
          ORDER BY cc.next_attempt_at, cc.id
          LIMIT $3) n
   WHERE c.status = 'active'
   ORDER BY c.id, n.next_attempt_at, n.id`);

/**
 * Keeps HubSpot checks (JSON, in the order of the ids) on their campaign contacts; also after a live read. A read
 * sent before a HubSpot webhook changed the contact (crm_changed_at) is not kept: it may hold the old value.
 */
export const STORE_DIAL_CHECKS = sql<
  never,
  [portalId: string, campaignContactIds: string[], checks: string[], readAt: Date]
>(`
  UPDATE campaign_contacts cc
     SET crm_check = v.checked, crm_checked_at = $4
    FROM unnest($2::bigint[], $3::jsonb[]) AS v(id, checked)
   WHERE cc.id = v.id AND cc.portal_id = $1 AND (cc.crm_changed_at IS NULL OR cc.crm_changed_at < $4)`);

/** Claims older than the cutoff are released: no request was sent for them. */
export const RELEASE_STALE_CLAIMS = sql<
  { campaign_contact_id: string },
  [claimedBefore: Date, at: Date]
>(`UPDATE call_attempts SET status = 'not_placed', not_placed_reason = 'stale_claim', updated_at = $2
        WHERE status = 'claimed' AND claimed_at < $1 RETURNING campaign_contact_id`);

export const REQUEUE_RELEASED_CONTACTS = sql<never, [campaignContactIds: string[], at: Date]>(
  `UPDATE campaign_contacts SET state = 'queued', next_attempt_at = $2, wait_reason = 'stale_claim', updated_at = $2
          WHERE id = ANY($1::bigint[]) AND state = 'dialing'`,
);

/** Attempts dialling since before the cutoff become unknown: the call may exist. */
export const STALE_DIALING_TO_UNKNOWN = sql<
  { id: string; portal_id: string },
  [dialStartedBefore: Date, at: Date]
>(`UPDATE call_attempts SET status = 'unknown', not_placed_reason = 'stale_dialing', updated_at = $2
        WHERE status = 'dialing' AND dial_started_at < $1 RETURNING id::text, portal_id`);

/** Attempts unknown since before the cutoff: reconciliation gave up, or its job was lost. */
export const STALE_UNKNOWN = sql<{ id: string; portal_id: string }, [updatedBefore: Date]>(
  `SELECT id::text, portal_id FROM call_attempts WHERE status = 'unknown' AND updated_at < $1`,
);

/** Attempts just sent to reconciliation: the sweep sends them again only once they are stale anew. */
export const TOUCH_ATTEMPTS = sql<never, [attemptIds: string[], at: Date]>(
  `UPDATE call_attempts SET updated_at = $2 WHERE id = ANY($1::uuid[])`,
);
