import type { CallOutcome, CampaignStatus, ClassificationConfig, RetryPolicy } from '@fundraising/shared';
import { type RowOf, sql } from '../db/statement.js';

/**
 * SQL of the campaign model, its stats and its use cases, each statement with the row it returns and the
 * parameters it takes.
 */

/** blackout_dates come back as text so no Date conversion can shift them by a time zone. */
const CAMPAIGN_COLUMNS = `
  id, portal_id, name, hubspot_list_id, agent_id, phone_number_id, phone_provider, calling_days,
  window_start_minute, window_end_minute, blackout_dates::text[] AS blackout_dates, default_time_zone,
  retry_policy, max_attempts, concurrency_cap, daily_cap, dials_per_second, starts_at, require_consent,
  consent_property, dnc_property, variable_properties, default_region, status, import_total, import_done,
  import_after, import_error, created_at, status_reason, first_message, created_by_user_id, open_for_enrolments`;

/** A campaign of one portal. */
export const FIND_CAMPAIGN = sql<
  {
    id: string;
    portal_id: string | number;
    name: string;
    hubspot_list_id: string;
    agent_id: string;
    phone_number_id: string;
    phone_provider: 'twilio' | 'sip_trunk';
    calling_days: number[];
    window_start_minute: number;
    window_end_minute: number;
    blackout_dates: string[];
    default_time_zone: string | null;
    retry_policy: RetryPolicy;
    max_attempts: number;
    concurrency_cap: number;
    daily_cap: number;
    dials_per_second: string;
    starts_at: Date;
    require_consent: boolean;
    consent_property: string;
    dnc_property: string;
    variable_properties: Record<string, string>;
    default_region: string;
    status: CampaignStatus;
    import_total: number | null;
    import_done: number;
    import_after: string | null;
    import_error: string | null;
    created_at: Date;
    status_reason: string | null;
    first_message: string | null;
    created_by_user_id: string | number | null;
    open_for_enrolments: boolean;
  },
  [portalId: number, campaignId: string]
>(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE portal_id = $1 AND id = $2`);

/**
 * A page of one portal's campaigns, newest first, optionally of one status, with the count of all that match
 * (campaigns_portal index). A portal has hundreds of campaigns at most, so offset paging is cheap.
 */
export const LIST_CAMPAIGNS = sql<
  RowOf<typeof FIND_CAMPAIGN> & { total: number },
  [portalId: number, status: CampaignStatus | null, offset: number, limit: number]
>(`SELECT ${CAMPAIGN_COLUMNS}, count(*) OVER ()::int AS total FROM campaigns
    WHERE portal_id = $1 AND ($2::text IS NULL OR status = $2)
    ORDER BY created_at DESC, id DESC OFFSET $3 LIMIT $4`);

/** How many campaigns match, for a page past the end (which has no row to carry the window count). */
export const COUNT_CAMPAIGNS = sql<{ n: number }, [portalId: number, status: CampaignStatus | null]>(
  'SELECT count(*)::int AS n FROM campaigns WHERE portal_id = $1 AND ($2::text IS NULL OR status = $2)',
);

/** Same, locking the row for the rest of the transaction. */
export const LOCK_CAMPAIGN = sql<RowOf<typeof FIND_CAMPAIGN>, [portalId: number, campaignId: string]>(
  `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE portal_id = $1 AND id = $2 FOR UPDATE`,
);

/**
 * A campaign's numbers, computed from its rows: contacts by state, skip reason and latest outcome, pledges,
 * calls in flight, attempts, cost, average call length, today's dials (in the campaign's default zone, else UTC)
 * and the concurrency cap.
 */
export const CAMPAIGN_STATS = sql<
  {
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
  },
  [campaignId: string, portalId: number, now: Date]
>(`
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
    (SELECT concurrency_cap FROM campaigns WHERE id = $1 AND portal_id = $2) AS concurrency_cap`);

/** A new campaign, importing from the start; starts_at defaults to now. */
export const INSERT_CAMPAIGN = sql<
  { id: string },
  [
    portalId: number,
    name: string,
    listId: string,
    agentId: string,
    phoneNumberId: string,
    phoneProvider: 'twilio' | 'sip_trunk',
    callingDays: number[],
    windowStartMinute: number,
    windowEndMinute: number,
    blackoutDates: string[],
    defaultTimeZone: string | null,
    retryPolicy: RetryPolicy,
    maxAttempts: number,
    concurrencyCap: number,
    dailyCap: number,
    dialsPerSecond: number,
    startsAt: string | null,
    requireConsent: boolean,
    consentProperty: string,
    dncProperty: string,
    variableProperties: Record<string, string>,
    defaultRegion: string,
    classification: ClassificationConfig,
    idempotencyKey: string | null,
    createdByUserId: number | null,
    firstMessage: string | null,
    openForEnrolments: boolean,
  ]
>(`INSERT INTO campaigns (portal_id, name, hubspot_list_id, agent_id, phone_number_id, phone_provider,
          calling_days, window_start_minute, window_end_minute, blackout_dates, default_time_zone, retry_policy,
          max_attempts, concurrency_cap, daily_cap, dials_per_second, starts_at, require_consent, consent_property,
          dnc_property, variable_properties, default_region, classification, idempotency_key, created_by_user_id,
          first_message, open_for_enrolments, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, coalesce($17, now()), $18, $19,
               $20, $21, $22, $23, $24, $25, $26, $27, 'importing')
       ON CONFLICT (portal_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id::text`);

/** The campaign an earlier create request with this key created. */
export const FIND_CAMPAIGN_BY_IDEMPOTENCY_KEY = sql<{ id: string }, [portalId: number, key: string]>(
  'SELECT id::text FROM campaigns WHERE portal_id = $1 AND idempotency_key = $2',
);

export const SET_CAMPAIGN_STATUS = sql<
  never,
  [campaignId: string, portalId: number, status: CampaignStatus, at: Date, reason: string | null]
>('UPDATE campaigns SET status = $3, updated_at = $4, status_reason = $5 WHERE id = $1 AND portal_id = $2');

/** One change to a campaign, by a HubSpot user (userId) or by the service itself (null). */
export const INSERT_CAMPAIGN_CHANGE = sql<
  never,
  [portalId: number, campaignId: string, userId: number | null, action: string, detail: unknown, at: Date]
>(`INSERT INTO campaign_changes (portal_id, campaign_id, user_id, action, detail, at)
   VALUES ($1, $2, $3, $4, $5, $6)`);

/**
 * A live edit: null leaves a setting as it is. The default time zone may be cleared, so whether it was given
 * ($8) is passed apart from its value ($9).
 */
export const EDIT_CAMPAIGN = sql<
  never,
  [
    campaignId: string,
    portalId: number,
    name: string | null,
    callingDays: number[] | null,
    windowStartMinute: number | null,
    windowEndMinute: number | null,
    blackoutDates: string[] | null,
    setDefaultTimeZone: boolean,
    defaultTimeZone: string | null,
    retryPolicy: RetryPolicy | null,
    maxAttempts: number | null,
    concurrencyCap: number | null,
    dailyCap: number | null,
    dialsPerSecond: number | null,
    at: Date,
    setFirstMessage: boolean,
    firstMessage: string | null,
    variableProperties: Record<string, string> | null,
    openForEnrolments: boolean | null,
  ]
>(`UPDATE campaigns SET
         name = coalesce($3, name),
         calling_days = coalesce($4, calling_days),
         window_start_minute = coalesce($5, window_start_minute),
         window_end_minute = coalesce($6, window_end_minute),
         blackout_dates = coalesce($7::date[], blackout_dates),
         default_time_zone = CASE WHEN $8::boolean THEN $9 ELSE default_time_zone END,
         retry_policy = coalesce($10, retry_policy),
         max_attempts = coalesce($11, max_attempts),
         concurrency_cap = coalesce($12, concurrency_cap),
         daily_cap = coalesce($13, daily_cap),
         dials_per_second = coalesce($14, dials_per_second),
         first_message = CASE WHEN $16::boolean THEN $17 ELSE first_message END,
         variable_properties = coalesce($18, variable_properties),
         open_for_enrolments = coalesce($19, open_for_enrolments),
         updated_at = $15
       WHERE id = $1 AND portal_id = $2`);

/** The contacts scheduleContacts gives a time: newly imported ones, or ones waiting for the window. */
const SCHEDULED = {
  imported: `state = 'imported'`,
  waiting_for_window: `state = 'queued' AND wait_reason IN ('outside_window', 'no_allowed_time')`,
} as const;

/** The distinct (candidate zones, US state) groups of a campaign's contacts to schedule. */
export function contactGroups(where: keyof typeof SCHEDULED) {
  return sql<{ time_zones: string[]; us_state: string | null }, [campaignId: string, portalId: number]>(
    `SELECT DISTINCT time_zones, us_state FROM campaign_contacts
      WHERE campaign_id = $1 AND portal_id = $2 AND ${SCHEDULED[where]}`,
  );
}

/** Queues one group's contacts at its next allowed time, with the reason they wait (null: due now). */
export function scheduleContactGroup(where: keyof typeof SCHEDULED) {
  return sql<
    never,
    [
      campaignId: string,
      portalId: number,
      timeZones: string[],
      usState: string | null,
      nextAttemptAt: Date,
      waitReason: string | null,
      at: Date,
    ]
  >(
    `UPDATE campaign_contacts
          SET state = 'queued', next_attempt_at = $5, wait_reason = $6, updated_at = $7
        WHERE campaign_id = $1 AND portal_id = $2 AND ${SCHEDULED[where]}
          AND time_zones = $3 AND us_state IS NOT DISTINCT FROM $4`,
  );
}
