import type { CampaignStatus, SkipReason } from '@fundraising/shared';
import { type Pool, type PoolClient, withTransaction } from '../../db/pool.js';
import { lockCampaign } from '../campaign-model.js';
import { type NormalizedContact, strongerReason } from './normalize-contact.js';

/**
 * Writes one memberships page in one transaction: its contacts, the skip decisions that need the database
 * (suppression list, numbers already in the campaign) and the campaign's cursor and progress. The rows and the
 * cursor commit together, so a retry resumes exactly after the last written page and never writes a page twice.
 */

export interface PageToWrite {
  /** The cursor this page was fetched with (null: the start of the list). It must still be the campaign's. */
  readonly from: string | null;
  /** The cursor of the following page; null when this is the last one. */
  readonly next: string | null;
  /** The list's size, when the memberships response said. */
  readonly total: number | null;
  /** Members on the page, counted as done whether or not HubSpot still had the contact. */
  readonly memberCount: number;
  /** The page's contacts in list order; contacts HubSpot no longer has are left out. */
  readonly contacts: readonly NormalizedContact[];
}

export type PageOutcome =
  | {
      readonly kind: 'written';
      readonly inserted: number;
      readonly skipped: number;
      readonly finished: boolean;
    }
  /** The campaign left 'importing' (cancelled, or deleted): nothing written, the import stops. */
  | { readonly kind: 'stopped'; readonly status: CampaignStatus | null }
  /** Another run moved the cursor (a job that outlived its expiry, a restarted import): this run yields. */
  | { readonly kind: 'superseded' };

const INSERT_CONTACTS = `
  INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, time_zone_source,
                                 us_state, first_name, variables, state, skip_reason)
  SELECT $1, $2, r.contact_id, r.phone_e164, r.time_zones, r.time_zone_source, r.us_state, r.first_name,
         COALESCE(r.variables, '{}'::jsonb),
         CASE WHEN r.skip_reason IS NULL THEN 'imported' ELSE 'skipped' END, r.skip_reason
  FROM jsonb_to_recordset($3::jsonb) AS r(contact_id text, phone_e164 text, time_zones text[],
       time_zone_source text, us_state text, first_name text, variables jsonb, skip_reason text)
  ON CONFLICT (campaign_id, contact_id) DO NOTHING
  RETURNING skip_reason`;

const ADVANCE_CAMPAIGN = `
  UPDATE campaigns
  SET import_after = $3,
      import_done = import_done + $4,
      import_total = COALESCE($5::integer, CASE WHEN $6::boolean THEN import_done + $4 ELSE import_total END),
      import_error = NULL,
      status = CASE WHEN $6::boolean THEN 'ready' ELSE status END,
      updated_at = now()
  WHERE portal_id = $1 AND id = $2`;

async function phonesIn(client: PoolClient, sql: string, params: unknown[]): Promise<Set<string>> {
  const { rows } = await client.query<{ phone_e164: string }>(sql, params);
  return new Set(rows.map((r) => r.phone_e164));
}

/** Contacts of this page the campaign already has (a re-import, or a member listed twice) are left as they are. */
async function newContacts(client: PoolClient, campaignId: string, contacts: readonly NormalizedContact[]) {
  const { rows } = await client.query<{ contact_id: string }>(
    'SELECT contact_id FROM campaign_contacts WHERE campaign_id = $1 AND contact_id = ANY($2::text[])',
    [campaignId, contacts.map((c) => c.contactId)],
  );
  const known = new Set(rows.map((r) => r.contact_id));
  const seen = new Set<string>();
  return contacts.filter((c) => {
    if (known.has(c.contactId) || seen.has(c.contactId)) return false;
    seen.add(c.contactId);
    return true;
  });
}

/** Final skip reasons: the portal's suppression list, then one callable row per number in the campaign. */
async function decideSkips(
  client: PoolClient,
  portalId: number,
  campaignId: string,
  contacts: readonly NormalizedContact[],
): Promise<NormalizedContact[]> {
  const phones = [...new Set(contacts.flatMap((c) => (c.phoneE164 === null ? [] : [c.phoneE164])))];
  const suppressed = await phonesIn(
    client,
    'SELECT phone_e164 FROM suppressions WHERE portal_id = $1 AND phone_e164 = ANY($2::text[])',
    [portalId, phones],
  );
  // Served by the partial unique index on (campaign_id, phone_e164) WHERE state <> 'skipped'.
  const taken = await phonesIn(
    client,
    `SELECT phone_e164 FROM campaign_contacts
     WHERE campaign_id = $1 AND state <> 'skipped' AND phone_e164 = ANY($2::text[])`,
    [campaignId, phones],
  );
  return contacts.map((contact) => {
    const phone = contact.phoneE164;
    let reason: SkipReason | null = contact.skipReason;
    if (phone !== null && suppressed.has(phone)) reason = strongerReason(reason, 'suppressed');
    if (reason === null && phone !== null) {
      if (taken.has(phone)) reason = 'duplicate_phone';
      else taken.add(phone);
    }
    return reason === contact.skipReason ? contact : { ...contact, skipReason: reason };
  });
}

function rowsJson(contacts: readonly NormalizedContact[]): string {
  return JSON.stringify(
    contacts.map((c) => ({
      contact_id: c.contactId,
      phone_e164: c.phoneE164,
      time_zones: c.zones,
      time_zone_source: c.zoneSource,
      us_state: c.usState,
      first_name: c.firstName,
      variables: c.variables,
      skip_reason: c.skipReason,
    })),
  );
}

export async function writePage(
  pool: Pool,
  portalId: number,
  campaignId: string,
  page: PageToWrite,
): Promise<PageOutcome> {
  return withTransaction(pool, async (client) => {
    // The lock serialises this page with cancel/pause and with any other run of the same import.
    const campaign = await lockCampaign(client, portalId, campaignId);
    if (campaign?.status !== 'importing') return { kind: 'stopped', status: campaign?.status ?? null };
    if (campaign.importAfter !== page.from) return { kind: 'superseded' };

    const contacts = await decideSkips(
      client,
      portalId,
      campaignId,
      await newContacts(client, campaignId, page.contacts),
    );
    const { rows } =
      contacts.length === 0
        ? { rows: [] }
        : await client.query<{ skip_reason: string | null }>(INSERT_CONTACTS, [
            portalId,
            campaignId,
            rowsJson(contacts),
          ]);
    const finished = page.next === null;
    await client.query(ADVANCE_CAMPAIGN, [
      portalId,
      campaignId,
      page.next,
      page.memberCount,
      page.total,
      finished,
    ]);
    const skipped = rows.filter((r) => r.skip_reason !== null).length;
    return { kind: 'written', inserted: rows.length, skipped, finished };
  });
}
