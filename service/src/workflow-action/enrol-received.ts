import type { NotCalledReason } from '@fundraising/shared';
import {
  type Campaign,
  contactPropertiesFor,
  enrolContacts,
  findCampaign,
  lockCampaign,
  type NormalizedContact,
  normalizeContact,
} from '../campaigns/index.js';
import type { ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { execute, queryRow, queryRows, type RowOf } from '../db/statement.js';
import { describeError } from '../writeback/index.js';
import { campaignRefusal, mergeVariables } from './enrolment-rules.js';
import * as q from './queries.js';
import { settleForContacts, settleNotCalled } from './settle.js';

/**
 * The enrolment job of one portal: its received enrolments, a page of 100 at a time, grouped by campaign. Each
 * group's contacts are read from HubSpot in one request, normalised with the campaign's rules like an import (phone,
 * zones, do-not-call, consent; the workflow's dynamic variables over the contact's), and written in one
 * transaction on the locked campaign: the campaign rows, the enrolments now following them, and the settling of
 * those already final (skipped, or a row the campaign had that is done). A HubSpot failure throws before anything
 * of the group is written, so the job's retry starts the group again.
 */

type ReceivedRow = RowOf<typeof q.RECEIVED>;

const PAGE_SIZE = 100;

export interface EnrolSummary {
  readonly portalId: number;
  readonly enrolled: number;
  readonly notCalled: number;
}

export async function enrolReceived(deps: ServiceDeps, portalId: number): Promise<EnrolSummary> {
  const summary = { portalId, enrolled: 0, notCalled: 0 };
  // A disconnected portal cannot be read: its enrolments wait for it to install the app again (or expire).
  if ((await queryRow(deps.pool, q.PORTAL_STATUS, [portalId]))?.status !== 'connected') return summary;
  let cursor = '0';
  let firstError: unknown;
  for (;;) {
    const page = await queryRows(deps.pool, q.RECEIVED, [portalId, cursor, PAGE_SIZE]);
    if (page.length === 0) break;
    cursor = page[page.length - 1]?.id ?? cursor;
    const byCampaign = new Map<string, ReceivedRow[]>();
    for (const row of page)
      byCampaign.set(row.campaign_ref, [...(byCampaign.get(row.campaign_ref) ?? []), row]);
    for (const [ref, rows] of byCampaign) {
      try {
        const done = await enrolGroup(deps, portalId, ref, rows);
        summary.enrolled += done.enrolled;
        summary.notCalled += done.notCalled;
      } catch (err) {
        // One campaign's trouble (HubSpot refusing its properties, say) does not hold up the others' enrolments.
        // Noted for ops; the rows are left to this job's retries rather than re-queued by the sweep.
        firstError ??= err;
        const ids = rows.map((r) => r.id);
        await execute(deps.pool, q.NOTE_FAILED_ENROL, [
          portalId,
          ids,
          describeError(err),
          new Date(now(deps)),
        ]);
        deps.logger.warn({ err, portalId, enrolments: ids.length }, 'workflow enrolments not placed yet');
      }
    }
  }
  if (summary.enrolled + summary.notCalled > 0) {
    deps.logger.info({ job: 'workflow-enrol', ...summary }, 'workflow enrolments placed in their campaigns');
  }
  if (firstError !== undefined) throw firstError;
  return summary;
}

async function enrolGroup(
  deps: ServiceDeps,
  portalId: number,
  campaignRef: string,
  rows: readonly ReceivedRow[],
): Promise<{ enrolled: number; notCalled: number }> {
  const campaign = await findCampaign(deps.pool, portalId, campaignRef);
  const refusal = campaignRefusal(campaign?.status ?? null);
  if (campaign === null || refusal !== null) {
    const reason = refusal ?? 'campaign_not_found';
    await withTransaction(deps.pool, (tx) =>
      settleNotCalled(
        tx,
        deps.boss,
        portalId,
        rows.map((r) => ({ id: r.id, from: 'received', reason })),
        now(deps),
      ),
    );
    return { enrolled: 0, notCalled: rows.length };
  }

  const contacts = await readContacts(deps, campaign, rows);
  return withTransaction(deps.pool, async (tx) => {
    const at = now(deps);
    const locked = await lockCampaign(tx, portalId, campaign.id);
    // The campaign may have ended while its contacts were read.
    const lateRefusal = campaignRefusal(locked?.status ?? null);
    if (locked === null || lateRefusal !== null) {
      const reason: NotCalledReason = lateRefusal ?? 'campaign_not_found';
      await settleNotCalled(
        tx,
        deps.boss,
        portalId,
        rows.map((r) => ({ id: r.id, from: 'received', reason })),
        at,
      );
      return { enrolled: 0, notCalled: rows.length };
    }
    const gone = rows.filter((r) => !contacts.has(r.id));
    await settleNotCalled(
      tx,
      deps.boss,
      portalId,
      gone.map((r) => ({ id: r.id, from: 'received', reason: 'contact_not_found' })),
      at,
    );
    const found = rows.flatMap((r) => {
      const contact = contacts.get(r.id);
      return contact === undefined ? [] : [{ enrolment: r, contact }];
    });
    const placed = await enrolContacts(
      tx,
      locked,
      found.map((f) => f.contact),
      at,
    );
    const following = found.flatMap(({ enrolment, contact }) => {
      const row = placed.get(contact.contactId);
      return row === undefined
        ? []
        : [{ enrolmentId: enrolment.id, campaignContactId: row.campaignContactId }];
    });
    await execute(tx, q.MARK_WAITING, [
      portalId,
      following.map((f) => f.enrolmentId),
      locked.id,
      following.map((f) => f.campaignContactId),
      new Date(at),
    ]);
    // Skipped at once (no phone, do-not-call, no consent, ...) or following a row that is already final.
    const settled = await settleForContacts(
      tx,
      deps.boss,
      portalId,
      following.map((f) => f.campaignContactId),
      at,
    );
    return { enrolled: following.length - settled, notCalled: gone.length + settled };
  });
}

/**
 * The enrolments' contacts as the campaign would import them, by enrolment id; contacts HubSpot no longer has are
 * left out.
 */
async function readContacts(
  deps: ServiceDeps,
  campaign: Campaign,
  rows: readonly ReceivedRow[],
): Promise<Map<string, NormalizedContact>> {
  const ids = [...new Set(rows.map((r) => r.contact_id))];
  const { contacts } = await deps.hubspot
    .forPortal(campaign.portalId)
    .batchReadContacts(ids, contactPropertiesFor(campaign));
  const byId = new Map(contacts.map((c) => [c.id, c.properties]));
  const normalized = new Map<string, NormalizedContact>();
  for (const row of rows) {
    const properties = byId.get(row.contact_id);
    if (properties === undefined) continue;
    const contact = await normalizeContact(row.contact_id, properties, campaign);
    normalized.set(row.id, { ...contact, variables: mergeVariables(contact.variables, row.variables) });
  }
  return normalized;
}

const now = (deps: ServiceDeps) => deps.clock.now();
