import type { CallOutcome } from '@fundraising/shared';
import { sql } from '../db/statement.js';

/**
 * SQL of a campaign's results: the import preview, and its attempts (dials that left) paged for the card and in
 * keyset pages for the CSV export. Outcome details are read out of call_attempts.outcome_detail field by field,
 * each only when it has the expected JSON type (rows written by older code or with no details stay readable),
 * and never the transcript, which can be long: 100,000 rows must not drag it along.
 */

/** Contacts of a campaign by what the import made of them. */
export const IMPORT_PREVIEW = sql<
  {
    contacts: number;
    eligible: number;
    no_phone: number;
    invalid_phone: number;
    duplicate_phone: number;
    suppressed: number;
    no_consent: number;
    no_time_zone: number;
  },
  [campaignId: string, portalId: number]
>(`
  SELECT count(*)::int AS contacts,
         count(*) FILTER (WHERE state <> 'skipped')::int AS eligible,
         count(*) FILTER (WHERE skip_reason = 'no_phone')::int AS no_phone,
         count(*) FILTER (WHERE skip_reason = 'invalid_phone')::int AS invalid_phone,
         count(*) FILTER (WHERE skip_reason = 'duplicate_phone')::int AS duplicate_phone,
         count(*) FILTER (WHERE skip_reason = 'suppressed')::int AS suppressed,
         count(*) FILTER (WHERE skip_reason = 'no_consent')::int AS no_consent,
         count(*) FILTER (WHERE skip_reason = 'no_time_zone')::int AS no_time_zone
    FROM campaign_contacts WHERE campaign_id = $1 AND portal_id = $2`);

export interface AttemptResultRow {
  attempt_id: string;
  contact_id: string;
  first_name: string | null;
  phone_e164: string;
  status: 'dialing' | 'placed' | 'unknown' | 'ended';
  outcome: CallOutcome | null;
  outcome_reason: string | null;
  summary: string | null;
  duration_secs: number | null;
  pledge_amount: number | null;
  pledge_frequency: string | null;
  callback_at: string | null;
  conversation_id: string | null;
  dial_started_at: Date;
  ended_at: Date | null;
}

const detailText = (key: string) =>
  `CASE WHEN jsonb_typeof(a.outcome_detail->'${key}') = 'string' THEN a.outcome_detail->>'${key}' END`;
const detailNumber = (key: string) =>
  `CASE WHEN jsonb_typeof(a.outcome_detail->'${key}') = 'number' THEN (a.outcome_detail->>'${key}')::float8 END`;

const RESULT_COLUMNS = `
  a.id::text AS attempt_id, a.contact_id, cc.first_name, a.phone_e164, a.status, a.outcome,
  ${detailText('reason')} AS outcome_reason,
  ${detailText('summary')} AS summary,
  ${detailNumber('durationSecs')} AS duration_secs,
  -- A pledge is counted only when the outcome says pledged (as in the campaign's stats).
  CASE WHEN a.outcome = 'pledged' THEN ${detailNumber('pledgeAmount')} END AS pledge_amount,
  CASE WHEN a.outcome = 'pledged' THEN ${detailText('pledgeFrequency')} END AS pledge_frequency,
  ${detailText('callbackAt')} AS callback_at,
  a.conversation_id, a.dial_started_at, a.ended_at`;

/** The dials of one portal's campaign that left, optionally of one outcome ($3). */
const RESULTS_OF = `
  FROM call_attempts a
  LEFT JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
 WHERE a.campaign_id = $1 AND a.portal_id = $2
   AND a.status IN ('dialing', 'placed', 'unknown', 'ended') AND a.dial_started_at IS NOT NULL
   AND ($3::text IS NULL OR a.outcome = $3)`;

/** A page of attempts, newest first (call_attempts_campaign_day index, read backwards). */
export const ATTEMPTS_PAGE = sql<
  AttemptResultRow,
  [campaignId: string, portalId: number, outcome: CallOutcome | null, offset: number, limit: number]
>(`SELECT ${RESULT_COLUMNS} ${RESULTS_OF} ORDER BY a.dial_started_at DESC, a.id DESC OFFSET $4 LIMIT $5`);

export const COUNT_ATTEMPTS = sql<
  { n: number },
  [campaignId: string, portalId: number, outcome: CallOutcome | null]
>(`SELECT count(*)::int AS n ${RESULTS_OF}`);

/** The first key of an export: before every attempt. */
export const EXPORT_START = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' } as const;

/**
 * The next keyset page of the export, oldest first, after the key (dial time, id) of the last row sent. The key's
 * time travels as Postgres text, so no microsecond is lost to a JavaScript Date between pages. The plain bound on
 * dial_started_at lets the index skip straight to the page.
 */
export const EXPORT_PAGE = sql<
  AttemptResultRow & { key_at: string },
  [
    campaignId: string,
    portalId: number,
    outcome: CallOutcome | null,
    afterAt: string,
    afterId: string,
    limit: number,
  ]
>(`SELECT ${RESULT_COLUMNS}, a.dial_started_at::text AS key_at ${RESULTS_OF}
     AND a.dial_started_at >= $4::timestamptz AND (a.dial_started_at, a.id) > ($4::timestamptz, $5::uuid)
   ORDER BY a.dial_started_at, a.id LIMIT $6`);
