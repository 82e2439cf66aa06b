import type { SkipReason } from '@fundraising/shared';
import { sql } from '../../db/statement.js';

/** SQL of enrolling single contacts into a campaign (workflow action, call-now). */

/** The rows a campaign already has for these contacts, with where each stands. */
export const EXISTING_ROWS = sql<
  { id: string; contact_id: string; state: string },
  [portalId: number, campaignId: string, contactIds: string[]]
>(`SELECT id::text, contact_id, state FROM campaign_contacts
    WHERE portal_id = $1 AND campaign_id = $2 AND contact_id = ANY($3::text[])`);

/**
 * Inserts enrolled contacts from JSON rows, each with its state (imported, queued or skipped), due time and wait
 * reason. A contact the campaign already has is left as it is (the caller holds the campaign's lock, so that is
 * only a contact listed twice in one call).
 */
export const INSERT_ENROLLED = sql<
  {
    id: string;
    contact_id: string;
    state: 'imported' | 'queued' | 'skipped';
    skip_reason: SkipReason | null;
  },
  [portalId: number, campaignId: string, rows: string, at: Date]
>(`
  INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, time_zone_source,
                                 us_state, first_name, variables, state, skip_reason, next_attempt_at,
                                 wait_reason, updated_at)
  SELECT $1, $2, r.contact_id, r.phone_e164, r.time_zones, r.time_zone_source, r.us_state, r.first_name,
         COALESCE(r.variables, '{}'::jsonb), r.state, r.skip_reason, r.next_attempt_at, r.wait_reason, $4
  FROM jsonb_to_recordset($3::jsonb) AS r(contact_id text, phone_e164 text, time_zones text[],
       time_zone_source text, us_state text, first_name text, variables jsonb, state text, skip_reason text,
       next_attempt_at timestamptz, wait_reason text)
  ON CONFLICT (campaign_id, contact_id) DO NOTHING
  RETURNING id::text, contact_id, state, skip_reason`);
