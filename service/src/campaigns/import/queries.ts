import { sql } from '../../db/statement.js';

/** SQL of the list import, each statement with the row it returns and the parameters it takes. */

/** Records why the import failed; the retry clears it. */
export const RECORD_IMPORT_ERROR = sql<never, [portalId: number, campaignId: string, message: string]>(
  'UPDATE campaigns SET import_error = $3, updated_at = now() WHERE portal_id = $1 AND id = $2',
);

/** Which of these contacts the campaign already has. */
export const KNOWN_CONTACTS = sql<{ contact_id: string }, [campaignId: string, contactIds: string[]]>(
  'SELECT contact_id FROM campaign_contacts WHERE campaign_id = $1 AND contact_id = ANY($2::text[])',
);

/** Which of these numbers are on the portal's do-not-call list (as such, or as an erased person's digest). */
export const SUPPRESSED_PHONES = sql<{ phone_e164: string }, [portalId: number, phones: string[]]>(`
  SELECT p.phone AS phone_e164 FROM unnest($2::text[]) AS p(phone)
   WHERE EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.portal_id = $1 AND s.phone_e164 IN (p.phone, erased_phone_digest($1, p.phone)))`);

/** Numbers of contacts the CRM flags do-not-call, onto the portal's list (as a webhook's property change puts them). */
export const SUPPRESS_FLAGGED = sql<never, [portalId: number, phones: string[], contactIds: string[]]>(`
  INSERT INTO suppressions (portal_id, phone_e164, reason, source)
  SELECT DISTINCT ON (x.phone) $1, x.phone, 'hubspot_property', x.contact_id
    FROM unnest($2::text[], $3::text[]) AS x(phone, contact_id)
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/**
 * Of these numbers, the ones a callable contact of the campaign already has. Served by the partial unique index
 * on (campaign_id, phone_e164) WHERE state <> 'skipped'.
 */
export const TAKEN_PHONES = sql<{ phone_e164: string }, [campaignId: string, phones: string[]]>(
  `SELECT phone_e164 FROM campaign_contacts
     WHERE campaign_id = $1 AND state <> 'skipped' AND phone_e164 = ANY($2::text[])`,
);

/** Inserts a page's contacts from JSON rows; a contact the campaign already has is left as it is. */
export const INSERT_CONTACTS = sql<
  { skip_reason: string | null },
  [portalId: number, campaignId: string, rows: string]
>(`
  INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, time_zone_source,
                                 us_state, first_name, variables, state, skip_reason)
  SELECT $1, $2, r.contact_id, r.phone_e164, r.time_zones, r.time_zone_source, r.us_state, r.first_name,
         COALESCE(r.variables, '{}'::jsonb),
         CASE WHEN r.skip_reason IS NULL THEN 'imported' ELSE 'skipped' END, r.skip_reason
  FROM jsonb_to_recordset($3::jsonb) AS r(contact_id text, phone_e164 text, time_zones text[],
       time_zone_source text, us_state text, first_name text, variables jsonb, skip_reason text)
  ON CONFLICT (campaign_id, contact_id) DO NOTHING
  RETURNING skip_reason`);

/**
 * Moves the campaign's cursor past a written page and counts its members; after the last page the list's size is
 * what was done (unless HubSpot said it) and the campaign is ready.
 */
export const ADVANCE_CAMPAIGN = sql<
  never,
  [
    portalId: number,
    campaignId: string,
    importAfter: string | null,
    membersDone: number,
    total: number | null,
    finished: boolean,
  ]
>(`
  UPDATE campaigns
  SET import_after = $3,
      import_done = import_done + $4,
      import_total = COALESCE($5::integer, CASE WHEN $6::boolean THEN import_done + $4 ELSE import_total END),
      import_error = NULL,
      status = CASE WHEN $6::boolean THEN 'ready' ELSE status END,
      updated_at = now()
  WHERE portal_id = $1 AND id = $2`);
