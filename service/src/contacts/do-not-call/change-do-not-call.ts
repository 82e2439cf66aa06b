import type { DoNotCallStatus } from '@fundraising/shared';
import { AppError } from '../../core/app-error.js';
import type { ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { execute, queryRow, queryRows } from '../../db/statement.js';
import { maskPhone } from '../../logger.js';
import { DEFAULT_DNC_PROPERTY } from '../../writeback/index.js';
import * as q from '../queries.js';
import { type HeldSuppression, planClear } from './clear-rules.js';
import { doNotCallStatus } from './dnc-status.js';
import { hubspotPhones } from './hubspot-phones.js';
import { enqueueDoNotCallSync } from './sync-queue.js';

export interface DoNotCallChange {
  readonly doNotCall: boolean;
  readonly reason: string | null;
  /** Clearing also removes the donor's own opt-out from a call (see clear-rules.ts). */
  readonly overrideOptOut: boolean;
}

/** Numbers are read in the newest campaign's region; a contact in no campaign is read as a US number. */
const FALLBACK_REGION = 'US';

/**
 * Sets or clears do-not-call on a contact: the portal's list (keyed by number) and the HubSpot property, both.
 *
 * The list changes in one transaction with the decision row and the job that writes HubSpot, so a set takes
 * effect before the next dial (the dispatcher checks the list at claim time, placement again at dial time) and
 * HubSpot is written once it answers, retried until then; a refused clear (opt-out) changes nothing at all.
 * HubSpot is read first, outside the transaction, for the contact's current numbers: a contact HubSpot does not
 * have and we never imported is a 404; a HubSpot outage still lets a contact we know be set (by the numbers our
 * campaigns hold), and is a 503 only for one we know nothing of.
 */
export async function changeDoNotCall(
  deps: ServiceDeps,
  portalId: number,
  contactId: string,
  change: DoNotCallChange,
  actor: { readonly userId: number | null },
): Promise<DoNotCallStatus> {
  const [footprint, previous] = await Promise.all([
    queryRow(deps.pool, q.CONTACT_FOOTPRINT, [portalId, contactId]),
    queryRow(deps.pool, q.LOAD_DNC, [portalId, contactId]),
  ]);
  const knownHere = (footprint?.campaign_rows ?? 0) > 0 || previous !== undefined;
  const fromHubSpot = await hubspotPhones(deps, portalId, contactId, footprint?.region ?? FALLBACK_REGION);
  if (fromHubSpot.kind === 'missing' && !knownHere) throw AppError.notFound(`contact ${contactId}`);
  if (fromHubSpot.kind === 'unavailable') {
    deps.logger.warn({ err: fromHubSpot.error, portalId, contactId }, 'HubSpot unreadable for do-not-call');
    if (!knownHere) {
      throw new AppError({
        code: 'hubspot_unavailable',
        status: 503,
        message:
          'HubSpot did not answer while looking up the contact; nothing was changed, try again shortly',
        cause: fromHubSpot.error,
      });
    }
  }
  const phones = [
    ...new Set([
      ...(footprint?.phones ?? []),
      ...(previous?.phones ?? []),
      ...(fromHubSpot.kind === 'found' ? fromHubSpot.phones : []),
    ]),
  ].sort();
  const portalProperties = (await queryRow(deps.pool, q.DNC_PROPERTIES, [portalId, contactId]))?.properties;
  const properties = portalProperties?.length ? portalProperties : [DEFAULT_DNC_PROPERTY];
  const at = new Date(deps.clock.now());
  const source = actor.userId === null ? 'api' : `user:${actor.userId}`;

  const removed = await withTransaction(deps.pool, async (tx) => {
    await execute(tx, q.LOCK_CONTACT_DNC, [portalId, contactId]);
    let removed: { phone: string; reason: string; source: string | null }[] = [];
    if (change.doNotCall) {
      if (phones.length > 0) await execute(tx, q.SUPPRESS_NUMBERS, [portalId, phones, source, at]);
    } else {
      const held = await queryRows(tx, q.SUPPRESSIONS_OF, [portalId, phones, contactId]);
      const plan = planClear(
        held.map(
          (h): HeldSuppression => ({
            phone: h.phone,
            reason: h.reason,
            source: h.source,
            heldByOtherContact: h.held_by_other_contact,
          }),
        ),
        { overrideOptOut: change.overrideOptOut },
      );
      if (plan.kind === 'blocked_by_opt_out') throw optOutRefusal(plan.optOuts.length);
      removed = await queryRows(tx, q.UNSUPPRESS, [
        portalId,
        plan.remove.map((s) => s.phone),
        plan.remove.map((s) => s.reason),
      ]);
      await execute(tx, q.FORGET_DIAL_CHECKS, [portalId, contactId]);
    }
    await queryRow(tx, q.UPSERT_DNC, [
      portalId,
      contactId,
      change.doNotCall,
      change.reason,
      phones,
      properties,
      actor.userId,
      at,
    ]);
    await execute(tx, q.INSERT_DNC_CHANGE, [
      portalId,
      contactId,
      change.doNotCall,
      change.reason,
      actor.userId,
      phones,
      JSON.stringify(removed),
      change.overrideOptOut && !change.doNotCall,
      at,
    ]);
    await enqueueDoNotCallSync(tx, deps.boss, { portalId, contactId });
    return removed;
  });

  deps.logger.info(
    {
      portalId,
      contactId,
      userId: actor.userId,
      doNotCall: change.doNotCall,
      numbers: phones.map(maskPhone),
      removed: removed.map((r) => ({ phone: maskPhone(r.phone), reason: r.reason })),
      hubspotRead: fromHubSpot.kind,
    },
    change.doNotCall ? 'do-not-call set' : 'do-not-call cleared',
  );
  return doNotCallStatus(deps.pool, portalId, contactId);
}

function optOutRefusal(count: number): AppError {
  return new AppError({
    code: 'donor_opted_out',
    status: 409,
    field: 'overrideOptOut',
    message:
      `the donor asked not to be called on an AI call (${count} number${count === 1 ? '' : 's'}); ` +
      'send overrideOptOut: true to clear it anyway (only with the donor’s renewed consent)',
  });
}
