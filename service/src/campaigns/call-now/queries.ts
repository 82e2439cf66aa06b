import type { CallNowResponse } from '@fundraising/shared';
import { sql } from '../../db/statement.js';
import { LIVE_STATUSES } from '../dispatch/queries.js';

/** SQL of "call this contact now". The dispatcher's own checks (PHONE_CHECKS, ACCOUNT_IN_FLIGHT) are reused. */

/** Blocks until the dispatcher's tick (or another call-now) is done: caps are then counted as it counts them. */
export const TAKE_DISPATCH_LOCK = sql<never, [lockKey: number]>('SELECT pg_advisory_xact_lock($1)');

/** The answer an earlier request with this key got. */
export const FIND_REQUEST = sql<{ answer: CallNowResponse }, [portalId: number, key: string]>(
  'SELECT answer FROM call_now_requests WHERE portal_id = $1 AND idempotency_key = $2',
);

export const INSERT_REQUEST = sql<
  never,
  [
    portalId: number,
    key: string,
    campaignId: string,
    contactId: string,
    userId: number | null,
    answer: CallNowResponse,
    attemptId: string | null,
    at: Date,
  ]
>(`INSERT INTO call_now_requests (portal_id, idempotency_key, campaign_id, contact_id, user_id, answer, attempt_id,
                                  created_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`);

/** A campaign's calls in flight and today's dials (the trigger-kept counter, in its default zone, else UTC). */
export const CAMPAIGN_LOAD = sql<
  { in_flight: number; dialled_today: number },
  [portalId: number, campaignId: string, now: Date]
>(`SELECT (SELECT count(*) FROM call_attempts a
            WHERE a.campaign_id = c.id AND a.status IN ${LIVE_STATUSES})::int AS in_flight,
          coalesce((SELECT d.dials FROM campaign_daily_dials d
                     WHERE d.campaign_id = c.id
                       AND d.day = ($3::timestamptz AT TIME ZONE coalesce(c.default_time_zone, 'UTC'))::date), 0)
            AS dialled_today
     FROM campaigns c WHERE c.portal_id = $1 AND c.id = $2`);

/** The contact's row in the campaign, if any. */
export const CONTACT_ROW = sql<
  { id: string; state: string },
  [portalId: number, campaignId: string, contactId: string]
>(
  `SELECT id::text, state FROM campaign_contacts WHERE portal_id = $1 AND campaign_id = $2 AND contact_id = $3`,
);

/** Whether another contact of the campaign holds the number (a callable row). */
export const NUMBER_TAKEN = sql<
  { taken: boolean },
  [portalId: number, campaignId: string, phone: string, contactId: string]
>(`SELECT EXISTS (SELECT 1 FROM campaign_contacts
                   WHERE portal_id = $1 AND campaign_id = $2 AND phone_e164 = $3 AND state <> 'skipped'
                     AND contact_id <> $4) AS taken`);

/** A new row for the contact, straight into 'dialing' (its attempt is created with it). */
export const INSERT_DIALING_ROW = sql<
  { id: string },
  [
    portalId: number,
    campaignId: string,
    contactId: string,
    phone: string,
    zones: string[],
    zoneSource: string,
    usState: string | null,
    firstName: string | null,
    variables: Record<string, string>,
    at: Date,
  ]
>(`INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, time_zone_source,
                                  us_state, first_name, variables, state, updated_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'dialing', $10)
   RETURNING id::text`);

/**
 * The contact's existing row, refreshed from HubSpot and put into 'dialing': waiting for launch, queued, or
 * finished (a person asking to call again overrides the retry policy, never a rule). A row already dialling is
 * left alone (the rules refuse it as in a call).
 */
export const REOPEN_ROW = sql<
  { id: string },
  [
    rowId: string,
    portalId: number,
    phone: string,
    zones: string[],
    zoneSource: string,
    usState: string | null,
    firstName: string | null,
    variables: Record<string, string>,
    at: Date,
  ]
>(`UPDATE campaign_contacts
      SET phone_e164 = $3, time_zones = $4, time_zone_source = $5, us_state = $6, first_name = $7,
          variables = variables || $8::jsonb, state = 'dialing', skip_reason = NULL, next_attempt_at = NULL,
          wait_reason = NULL, updated_at = $9
    WHERE id = $1 AND portal_id = $2 AND state IN ('imported', 'queued', 'done', 'skipped')
   RETURNING id::text`);
