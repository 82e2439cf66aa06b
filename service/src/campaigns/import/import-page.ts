import type { CampaignStatus, SkipReason } from '@fundraising/shared';
import { type Pool, type PoolClient, withTransaction } from '../../db/pool.js';
import { execute, queryRows, type Statement } from '../../db/statement.js';
import { lockCampaign } from '../campaign-model.js';
import { type NormalizedContact, strongerReason } from './normalize-contact.js';
import * as q from './queries.js';

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

async function phonesIn<Params extends readonly unknown[]>(
  client: PoolClient,
  statement: Statement<{ phone_e164: string }, Params>,
  params: Params,
): Promise<Set<string>> {
  const rows = await queryRows(client, statement, params);
  return new Set(rows.map((r) => r.phone_e164));
}

/** Contacts of this page the campaign already has (a re-import, or a member listed twice) are left as they are. */
async function newContacts(client: PoolClient, campaignId: string, contacts: readonly NormalizedContact[]) {
  const rows = await queryRows(client, q.KNOWN_CONTACTS, [campaignId, contacts.map((c) => c.contactId)]);
  const known = new Set(rows.map((r) => r.contact_id));
  const seen = new Set<string>();
  return contacts.filter((c) => {
    if (known.has(c.contactId) || seen.has(c.contactId)) return false;
    seen.add(c.contactId);
    return true;
  });
}

/**
 * Final skip reasons: the portal's suppression list, then one callable row per number in the campaign. Also used
 * when a workflow enrols contacts one by one (campaigns/enrol/).
 */
export async function decideSkips(
  client: PoolClient,
  portalId: number,
  campaignId: string,
  contacts: readonly NormalizedContact[],
): Promise<NormalizedContact[]> {
  const phones = [...new Set(contacts.flatMap((c) => (c.phoneE164 === null ? [] : [c.phoneE164])))];
  // Do-not-call is the person's wish, and the CRM may hold the person twice: a contact flagged do-not-call puts its
  // number on the portal's list, as the same property change arriving by webhook does (same reason and source, so
  // clearing the property clears it), and no other record with that number is called. Found by the full-loop
  // proof: a duplicate record of a flagged donor was dialled in every portal.
  const flagged = contacts.filter((c) => c.doNotCall && c.phoneE164 !== null);
  if (flagged.length > 0)
    await execute(client, q.SUPPRESS_FLAGGED, [
      portalId,
      flagged.map((c) => c.phoneE164 ?? ''),
      flagged.map((c) => c.contactId),
    ]);
  const suppressed = await phonesIn(client, q.SUPPRESSED_PHONES, [portalId, phones]);
  const taken = await phonesIn(client, q.TAKEN_PHONES, [campaignId, phones]);
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
    const rows =
      contacts.length === 0
        ? []
        : await queryRows(client, q.INSERT_CONTACTS, [portalId, campaignId, rowsJson(contacts)]);
    const finished = page.next === null;
    await execute(client, q.ADVANCE_CAMPAIGN, [
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
