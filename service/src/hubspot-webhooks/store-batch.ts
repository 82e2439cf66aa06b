import { bossDb, type ServiceDeps } from '../core/deps.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { execute, queryRows } from '../db/statement.js';
import {
  type CampaignProperties,
  type ChangePlan,
  type ContactRef,
  type PropertyChangeRef,
  planChanges,
  type StoredEvent,
} from './change-plan.js';
import { CONTACT_ERASURE_QUEUE, erasureJobOptions } from './erasure-queue.js';
import * as q from './queries.js';
import type { HubSpotEvent } from './webhook-events.js';

export interface BatchResult {
  readonly received: number;
  readonly stored: number;
  readonly duplicates: number;
}

/** Deadlocks and serialisation failures are passing: the whole batch is tried again (it is all or nothing). */
const TRANSIENT = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Stores a batch of HubSpot events and applies what they mean, in one transaction, before the 2xx: once HubSpot
 * has our answer, a do-not-call or consent change and a deletion already bind the very next dial (the
 * dispatcher's claim checks the do-not-call list; placement reads HubSpot for a contact whose cached check was
 * forgotten). A privacy deletion's erasure is queued in the same transaction; it runs once the contact's calls
 * have ended. A redelivered event (same natural key) is answered without doing anything again.
 */
export async function storeWebhookBatch(
  deps: ServiceDeps,
  events: readonly HubSpotEvent[],
): Promise<BatchResult> {
  if (events.length === 0) return { received: 0, stored: 0, duplicates: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await withTransaction(deps.pool, (tx) => storeAndApply(deps, tx, events));
      return { received: events.length, stored, duplicates: events.length - stored };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !TRANSIENT.has(code)) throw error;
      deps.logger.warn(
        { err: error, attempt },
        'HubSpot webhook batch hit a transient conflict: trying again',
      );
    }
  }
}

async function storeAndApply(deps: ServiceDeps, tx: PoolClient, events: readonly HubSpotEvent[]) {
  const now = new Date(deps.clock.now());
  // Contacts first (in a fixed order): whether a change is the latest is then decided after any concurrent
  // request about the same contacts has committed.
  const contacts = events.filter((e) => e.kind !== 'other' && e.objectId !== null);
  await execute(tx, q.LOCK_CONTACTS, [
    contacts.map((e) => e.portalId),
    contacts.map((e) => e.objectId ?? ''),
  ]);

  const inserted = await queryRows(tx, q.INSERT_EVENTS, [
    events.map((e) => e.portalId),
    events.map((e) => e.dedupeKey),
    events.map((e) => e.eventId),
    events.map((e) => e.subscriptionId),
    events.map((e) => e.subscriptionType),
    events.map((e) => e.kind),
    events.map((e) => e.objectId),
    events.map((e) => e.propertyName),
    events.map((e) => new Date(e.occurredAtMs)),
    events.map((e) => e.body),
    now,
  ]);
  const rowIdByKey = new Map(inserted.map((r) => [r.dedupe_key, r.id]));
  // The first of two copies in one batch is the one stored.
  const fresh: StoredEvent[] = [];
  for (const e of events) {
    const rowId = rowIdByKey.get(e.dedupeKey);
    if (rowId === undefined) continue;
    rowIdByKey.delete(e.dedupeKey);
    fresh.push({ ...e, rowId });
  }
  if (fresh.length === 0) return 0;

  const portals = [...new Set(fresh.map((e) => e.portalId))];
  const served = new Set((await queryRows(tx, q.SERVED_PORTALS, [portals])).map((r) => Number(r.portal_id)));
  const properties = campaignPropertiesByPortal(await queryRows(tx, q.CAMPAIGN_PROPERTIES, [portals]));
  const changes = fresh.filter((e) => e.kind === 'contact_property_change').map((e) => e.rowId);
  const superseded = new Set(
    changes.length === 0 ? [] : (await queryRows(tx, q.SUPERSEDED_EVENTS, [changes])).map((r) => r.id),
  );
  const plan = planChanges({ events: fresh, servedPortals: served, properties, superseded });
  await applyPlan(deps, tx, plan, now);
  logBatch(deps, fresh, plan);
  return fresh.length;
}

async function applyPlan(deps: ServiceDeps, tx: PoolClient, plan: ChangePlan, now: Date): Promise<void> {
  const props = (list: readonly PropertyChangeRef[]) =>
    [list.map((c) => c.portalId), list.map((c) => c.contactId), list.map((c) => c.property)] as const;
  const refs = (list: readonly ContactRef[]) =>
    [list.map((c) => c.portalId), list.map((c) => c.contactId)] as const;

  if (plan.invalidate.length > 0)
    await execute(tx, q.INVALIDATE_DIAL_CHECKS, [...props(plan.invalidate), now]);
  // Off before on: a contact that is do-not-call by one property and not by another stays on the list.
  if (plan.unsuppress.length > 0) await execute(tx, q.UNSUPPRESS_CONTACT, [...refs(plan.unsuppress)]);
  if (plan.suppress.length > 0) await execute(tx, q.SUPPRESS_CONTACT_PHONES, [...props(plan.suppress)]);
  if (plan.cancel.length > 0) {
    await execute(tx, q.RELEASE_CLAIMS, [...refs(plan.cancel), now]);
    await execute(tx, q.SKIP_PENDING, [...refs(plan.cancel), now]);
    await execute(tx, q.FORGET_DIAL_CHECKS, [...refs(plan.cancel), now]);
  }
  for (const contact of plan.erase) {
    await execute(tx, q.REQUEST_ERASURE, [contact.portalId, contact.contactId, now]);
    await deps.boss.send(CONTACT_ERASURE_QUEUE.name, contact, {
      ...erasureJobOptions(contact),
      db: bossDb(tx),
    });
  }
  const finished = plan.outcomes.filter((o) => o.done);
  const waiting = plan.outcomes.filter((o) => !o.done);
  if (finished.length > 0)
    await execute(tx, q.MARK_EVENTS, [finished.map((o) => o.rowId), finished.map((o) => o.outcome), now]);
  if (waiting.length > 0)
    await execute(tx, q.MARK_EVENTS_PENDING, [waiting.map((o) => o.rowId), waiting.map((o) => o.outcome)]);
}

function campaignPropertiesByPortal(
  rows: readonly { portal_id: string; dnc_property: string; consent_property: string }[],
): Map<number, CampaignProperties> {
  const byPortal = new Map<number, { dnc: Set<string>; consent: Set<string> }>();
  for (const r of rows) {
    const portal = Number(r.portal_id);
    const entry = byPortal.get(portal) ?? { dnc: new Set<string>(), consent: new Set<string>() };
    entry.dnc.add(r.dnc_property);
    entry.consent.add(r.consent_property);
    byPortal.set(portal, entry);
  }
  return byPortal;
}

/** Counts and contact ids only: property values can be personal (a subscription on a name or phone property). */
function logBatch(deps: ServiceDeps, fresh: readonly StoredEvent[], plan: ChangePlan): void {
  deps.logger.info(
    {
      events: fresh.length,
      portals: [...new Set(fresh.map((e) => e.portalId))],
      propertyChanges: plan.invalidate.length,
      suppressed: plan.suppress.length,
      unsuppressed: plan.unsuppress.length,
      cancelled: plan.cancel.map((c) => c.contactId),
      erasuresQueued: plan.erase.map((c) => c.contactId),
    },
    'HubSpot webhook events stored and applied',
  );
}
