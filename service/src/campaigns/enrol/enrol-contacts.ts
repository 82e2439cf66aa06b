import type { CampaignStatus, SkipReason } from '@fundraising/shared';
import { nextAllowedInstant } from '../../calling-window/index.js';
import type { PoolClient } from '../../db/pool.js';
import { queryRows } from '../../db/statement.js';
import type { Campaign } from '../campaign-model.js';
import { decideSkips } from '../import/import-page.js';
import type { NormalizedContact } from '../import/normalize-contact.js';
import * as q from './queries.js';

/**
 * Adds single contacts to a campaign outside its list import (a workflow enrolling them): each becomes a row
 * exactly as an imported one would (the same skip decisions: do-not-call list, one callable row per number),
 * waiting for launch, or queued at its next allowed instant in its own zone once the campaign has been launched.
 * The dispatcher then dials it like any other contact, under every cap and rule.
 *
 * A contact the campaign already has keeps its row untouched: the caller follows that row's result rather than
 * dialling the person twice.
 */

export type EnrolledRow =
  | { readonly kind: 'existing'; readonly campaignContactId: string; readonly state: string }
  | {
      readonly kind: 'inserted';
      readonly campaignContactId: string;
      readonly state: 'imported' | 'queued' | 'skipped';
      readonly skipReason: SkipReason | null;
    };

/** Statuses a campaign takes enrolments in. Launched ones queue the contact; the others hold it until launch. */
export const ENROLLING_STATUSES: readonly CampaignStatus[] = [
  'draft',
  'importing',
  'ready',
  'active',
  'paused',
];
const LAUNCHED: readonly CampaignStatus[] = ['active', 'paused'];

const NO_ALLOWED_TIME_RETRY_MS = 24 * 3_600_000;

/** When a callable contact is first due, and why it waits until then (null: due now). */
export function firstDue(
  campaign: Pick<Campaign, 'window' | 'startsAt'>,
  contact: Pick<NormalizedContact, 'zones' | 'usState'>,
  nowMs: number,
): { at: Date; waitReason: string | null } {
  const from = Math.max(nowMs, campaign.startsAt.getTime());
  const next = nextAllowedInstant(from, { zones: contact.zones, usState: contact.usState }, campaign.window);
  if (next === null) return { at: new Date(from + NO_ALLOWED_TIME_RETRY_MS), waitReason: 'no_allowed_time' };
  return { at: new Date(next), waitReason: next > nowMs ? 'outside_window' : null };
}

/**
 * Enrols contacts into a campaign whose row the caller has locked (FOR UPDATE, in `tx`), so the import, a launch
 * and the dispatcher's completion of the campaign serialise with it. The campaign must be in ENROLLING_STATUSES.
 */
export async function enrolContacts(
  tx: PoolClient,
  campaign: Campaign,
  contacts: readonly NormalizedContact[],
  nowMs: number,
): Promise<Map<string, EnrolledRow>> {
  if (!ENROLLING_STATUSES.includes(campaign.status)) {
    throw new Error(`campaign ${campaign.id} is ${campaign.status}: it takes no enrolments`);
  }
  const result = new Map<string, EnrolledRow>();
  const ids = [...new Set(contacts.map((c) => c.contactId))];
  const existing = await queryRows(tx, q.EXISTING_ROWS, [campaign.portalId, campaign.id, ids]);
  for (const row of existing) {
    result.set(row.contact_id, { kind: 'existing', campaignContactId: row.id, state: row.state });
  }
  // A contact listed twice is enrolled once, as first listed.
  const seen = new Set(result.keys());
  const fresh: NormalizedContact[] = [];
  for (const contact of contacts) {
    if (seen.has(contact.contactId)) continue;
    seen.add(contact.contactId);
    fresh.push(contact);
  }
  if (fresh.length === 0) return result;

  const decided = await decideSkips(tx, campaign.portalId, campaign.id, fresh);
  const launched = LAUNCHED.includes(campaign.status);
  const rows = decided.map((c) => {
    const due = c.skipReason === null && launched ? firstDue(campaign, c, nowMs) : null;
    return {
      contact_id: c.contactId,
      phone_e164: c.phoneE164,
      time_zones: c.zones,
      time_zone_source: c.zoneSource,
      us_state: c.usState,
      first_name: c.firstName,
      variables: c.variables,
      state: c.skipReason !== null ? 'skipped' : launched ? 'queued' : 'imported',
      skip_reason: c.skipReason,
      next_attempt_at: due?.at.toISOString() ?? null,
      wait_reason: due?.waitReason ?? null,
    };
  });
  const inserted = await queryRows(tx, q.INSERT_ENROLLED, [
    campaign.portalId,
    campaign.id,
    JSON.stringify(rows),
    new Date(nowMs),
  ]);
  for (const row of inserted) {
    result.set(row.contact_id, {
      kind: 'inserted',
      campaignContactId: row.id,
      state: row.state,
      skipReason: row.skip_reason,
    });
  }
  return result;
}
