import type { CallNowResponse } from '@fundraising/shared';
import { AppError } from '../../core/app-error.js';
import { bossDb, type ServiceDeps } from '../../core/deps.js';
import { type PoolClient, withTransaction } from '../../db/pool.js';
import { execute, queryRow } from '../../db/statement.js';
import { type Campaign, findCampaign, lockCampaign } from '../campaign-model.js';
import { DISPATCH_LOCK } from '../dispatch/dispatch-tick.js';
import * as dispatchQ from '../dispatch/queries.js';
import {
  contactPropertiesFor,
  type NormalizedContact,
  normalizeContact,
} from '../import/normalize-contact.js';
import { dialCheckFrom } from '../placement/crm-dial-check.js';
import { PLACE_CALL_QUEUE } from '../placement/placement-queue.js';
import * as placementQ from '../placement/queries.js';
import { recordChange } from '../use-cases/campaign-changes.js';
import { type CallNowFacts, callNowVerdict } from './call-now-rules.js';
import * as q from './queries.js';

/**
 * "Call this contact now", from the contact's record. The contact is read from HubSpot (phone, zone, do-not-call,
 * consent as the campaign reads them), then, under the dispatcher's lock so the caps count as the dispatcher counts
 * them, every rule the dispatcher applies decides (call-now-rules.ts). Allowed: the contact's row in the campaign
 * (created, or re-opened) and its claimed attempt are written and the placement job queued, in one transaction;
 * the placement re-checks at dial time like any dial. Refused: the answer names the rule and when it would allow
 * it. Either way the answer is kept under the request's idempotency key with the acting HubSpot user, so a retried
 * request gets the same answer and never a second call.
 */

export interface CallNowInput {
  readonly portalId: number;
  readonly userId: number | null;
  readonly contactId: string;
  readonly campaignId: string;
  readonly idempotencyKey: string;
}

export async function callContactNow(deps: ServiceDeps, input: CallNowInput): Promise<CallNowResponse> {
  const earlier = await queryRow(deps.pool, q.FIND_REQUEST, [input.portalId, input.idempotencyKey]);
  if (earlier) return earlier.answer;
  if (!/^[1-9]\d{0,18}$/.test(input.contactId))
    throw AppError.badRequest('contactId', 'expected a HubSpot record id');
  const campaign = await findCampaign(deps.pool, input.portalId, input.campaignId);
  if (!campaign) throw AppError.notFound(`campaign ${input.campaignId}`);

  const properties = contactPropertiesFor(campaign);
  const { contacts } = await deps.hubspot
    .forPortal(input.portalId)
    .batchReadContacts([input.contactId], properties);
  const found = contacts.find((c) => c.id === input.contactId);
  if (!found) throw AppError.notFound(`contact ${input.contactId}`);
  const contact = await normalizeContact(input.contactId, found.properties, campaign);
  const readAt = deps.clock.now();

  const answer = await withTransaction(deps.pool, async (tx) => {
    await execute(tx, q.TAKE_DISPATCH_LOCK, [DISPATCH_LOCK]);
    // A concurrent retry of this request got here first: its answer stands.
    const raced = await queryRow(tx, q.FIND_REQUEST, [input.portalId, input.idempotencyKey]);
    if (raced) return raced.answer;
    const now = deps.clock.now();
    const locked = await lockCampaign(tx, input.portalId, input.campaignId);
    if (!locked) throw AppError.notFound(`campaign ${input.campaignId}`);
    const facts = await gatherFacts(deps, tx, locked, contact, now);
    const verdict = callNowVerdict(facts);
    const base = { campaignId: locked.id, contactId: input.contactId };
    let attemptId: string | null = null;
    let result: CallNowResponse;
    if (verdict.allowed) {
      attemptId = await startCall(deps, tx, locked, contact, found.properties, { now, readAt });
      result = { status: 'dialing', ...base, attemptId };
    } else {
      result = {
        status: 'refused',
        ...base,
        rule: verdict.rule,
        message: verdict.message,
        nextAllowedAt:
          verdict.nextAllowedAtMs === null ? null : new Date(verdict.nextAllowedAtMs).toISOString(),
      };
    }
    await execute(tx, q.INSERT_REQUEST, [
      input.portalId,
      input.idempotencyKey,
      locked.id,
      input.contactId,
      input.userId,
      result,
      attemptId,
      new Date(now),
    ]);
    // A call started is an action on the campaign, in its history with who asked; a refusal changed nothing and
    // stays in call_now_requests (with who asked) only.
    if (attemptId !== null) {
      await recordChange(tx, {
        portalId: input.portalId,
        campaignId: locked.id,
        actor: { userId: input.userId },
        action: 'call_now',
        at: now,
        detail: { contactId: input.contactId, attemptId },
      });
    }
    return result;
  });
  deps.logger.info(
    { portalId: input.portalId, userId: input.userId, ...answer },
    'call-now request answered',
  );
  return answer;
}

async function gatherFacts(
  deps: ServiceDeps,
  tx: PoolClient,
  campaign: Campaign,
  contact: NormalizedContact,
  now: number,
): Promise<CallNowFacts> {
  const at = new Date(now);
  const phone = contact.phoneE164;
  const check =
    phone === null
      ? undefined
      : await queryRow(tx, dispatchQ.PHONE_CHECKS, [[String(campaign.portalId)], [phone], at]);
  const load = await queryRow(tx, q.CAMPAIGN_LOAD, [campaign.portalId, campaign.id, at]);
  const row = await queryRow(tx, q.CONTACT_ROW, [campaign.portalId, campaign.id, contact.contactId]);
  const taken =
    phone === null
      ? undefined
      : await queryRow(tx, q.NUMBER_TAKEN, [campaign.portalId, campaign.id, phone, contact.contactId]);
  return {
    nowMs: now,
    campaign: {
      status: campaign.status,
      startsAtMs: campaign.startsAt.getTime(),
      window: campaign.window,
      defaultTimeZone: campaign.defaultTimeZone,
      concurrencyCap: campaign.concurrencyCap,
      dailyCap: campaign.dailyCap,
      inFlight: load?.in_flight ?? 0,
      dialledToday: load?.dialled_today ?? 0,
    },
    contact: { skipReason: contact.skipReason, zones: contact.zones, usState: contact.usState },
    suppressed: check?.suppressed ?? false,
    numberTakenInCampaign: taken?.taken ?? false,
    // A row mid-dial holds the line even in the instant before its attempt shows as live.
    inCall: (check?.busy ?? false) || row?.state === 'dialing',
    dialsLast24h: check?.dials_24h ?? 0,
    oldestDialLast24hMs: check?.oldest_dial_24h?.getTime() ?? null,
    frequencyCapPer24h: deps.settings.frequencyCapPer24h,
    accountInFlight: (await queryRow(tx, dispatchQ.ACCOUNT_IN_FLIGHT, []))?.n ?? 0,
    accountConcurrencyCap: deps.settings.accountConcurrencyCap,
  };
}

/** The row in 'dialing', its claimed attempt, the fresh HubSpot check kept for the dial, the placement job. */
async function startCall(
  deps: ServiceDeps,
  tx: PoolClient,
  campaign: Campaign,
  contact: NormalizedContact,
  properties: Readonly<Record<string, string | null>>,
  times: { now: number; readAt: number },
): Promise<string> {
  const phone = contact.phoneE164;
  if (phone === null) throw new Error('call-now: allowed without a phone number');
  const at = new Date(times.now);
  const row = await queryRow(tx, q.CONTACT_ROW, [campaign.portalId, campaign.id, contact.contactId]);
  const fields = [
    phone,
    contact.zones,
    contact.zoneSource,
    contact.usState,
    contact.firstName,
    contact.variables,
  ] as const;
  const opened = row
    ? await queryRow(tx, q.REOPEN_ROW, [row.id, campaign.portalId, ...fields, at])
    : await queryRow(tx, q.INSERT_DIALING_ROW, [
        campaign.portalId,
        campaign.id,
        contact.contactId,
        ...fields,
        at,
      ]);
  if (!opened) throw new Error(`call-now: the contact's row (${row?.state}) could not be opened`);
  const attempts = await queryRow(tx, dispatchQ.INSERT_CLAIMED_ATTEMPTS, [
    [String(campaign.portalId)],
    [campaign.id],
    [opened.id],
    [contact.contactId],
    [phone],
    at,
  ]);
  // The rules saw no live call under the dispatcher's lock; a conflict here is a bug, and rolls everything back.
  if (!attempts) throw new Error('call-now: the number has a live attempt after all');
  const check = dialCheckFrom(properties, campaign.dncProperty, campaign.consentProperty);
  await execute(tx, placementQ.STORE_DIAL_CHECKS, [
    String(campaign.portalId),
    [opened.id],
    [JSON.stringify(check)],
    new Date(times.readAt),
  ]);
  await deps.boss.send(
    PLACE_CALL_QUEUE.name,
    { attemptId: attempts.id, portalId: campaign.portalId },
    { db: bossDb(tx) },
  );
  return attempts.id;
}
