import { CALL_OUTCOMES, type CallOutcome } from '@fundraising/shared';
import { queryRows, type RowOf } from '../db/statement.js';
import type { HubSpotPortalClient } from '../hubspot/index.js';
import { CONTACT_PROPERTY } from './crm-schema.js';
import { describeError, halves, isRejection, type PartOutcome, type PartOutcomes } from './part-outcome.js';
import { callTime, type PendingWrite } from './pending-write.js';
import * as q from './queries.js';
import type { WriteContext } from './write-context.js';

/** A row of CONTACT_FACTS. */
type ContactFactsRow = RowOf<typeof q.CONTACT_FACTS>;

type ContactUpdate = { id: string; properties: Record<string, string> };

/** The contact's properties from its outcomes in the portal (see CONTACT_FACTS). */
export function contactProperties(facts: ContactFactsRow): Record<string, string> {
  const properties: Record<string, string> = {
    [CONTACT_PROPERTY.lastOutcome]: facts.outcome,
    [CONTACT_PROPERTY.lastCallDate]: callTime({
      ...facts,
      startedAtMs: typeof facts.started_at_ms === 'number' ? facts.started_at_ms : null,
    }).toISOString(),
    [CONTACT_PROPERTY.attempts]: String(facts.attempts),
  };
  if (typeof facts.pledge_amount === 'number') {
    properties[CONTACT_PROPERTY.lastPledgeAmount] = String(facts.pledge_amount);
    // Written with the amount, so a pledge without a collected frequency does not keep an older one's.
    properties[CONTACT_PROPERTY.lastPledgeFrequency] =
      typeof facts.pledge_frequency === 'string' ? facts.pledge_frequency : '';
  }
  for (const dnc of facts.dnc_properties) properties[dnc] = 'true';
  return properties;
}

/**
 * The contact properties of a page of rows: one batch update per page, one input per contact (a contact called
 * twice in the page is written once, with its latest outcome).
 */
export async function writeContacts(
  ctx: WriteContext,
  writes: readonly PendingWrite[],
): Promise<PartOutcomes> {
  const out: PartOutcomes = new Map();
  const byContact = new Map<string, PendingWrite[]>();
  for (const w of writes) {
    if (w.contactDone) out.set(w.attemptId, { kind: 'done' });
    else byContact.set(w.contactId, [...(byContact.get(w.contactId) ?? []), w]);
  }
  if (byContact.size === 0) return out;

  const rows = await queryRows(ctx.db, q.CONTACT_FACTS, [ctx.portalId, [...byContact.keys()]]);
  const updates: ContactUpdate[] = [];
  const perContact = new Map<string, PartOutcome>();
  for (const facts of rows) {
    if (!(CALL_OUTCOMES as readonly string[]).includes(facts.outcome as CallOutcome)) continue;
    // The properties are the latest call's. When that call is not among these rows, its own row carries these
    // same values (it ended after this run took its rows, or an earlier run wrote it): writing them here too would
    // write them twice. Seen by the full-loop proof: a call ending a few ms into a run was written by two runs.
    if (!(byContact.get(facts.contact_id) ?? []).some((w) => w.attemptId === facts.latest_attempt_id)) {
      perContact.set(facts.contact_id, { kind: 'done' });
      continue;
    }
    updates.push({ id: facts.contact_id, properties: contactProperties(facts) });
  }
  const writable = new Set(updates.map((u) => u.id));
  for (const id of byContact.keys()) {
    if (!writable.has(id) && !perContact.has(id))
      perContact.set(id, { kind: 'rejected', error: 'no outcome to write' });
  }
  await updateIsolating(ctx.client, updates, perContact);
  for (const [contactId, list] of byContact) {
    const outcome = perContact.get(contactId) ?? {
      kind: 'failed',
      error: 'HubSpot did not confirm the update',
    };
    for (const w of list) out.set(w.attemptId, outcome);
  }
  return out;
}

/** As for calls: a batch HubSpot refuses as a whole (one bad value) is halved until the bad contact is alone. */
async function updateIsolating(
  client: HubSpotPortalClient,
  updates: readonly ContactUpdate[],
  out: Map<string, PartOutcome>,
): Promise<void> {
  if (updates.length === 0) return;
  try {
    const result = await client.batchUpdateContacts(updates);
    for (const id of result.updated) out.set(id, { kind: 'done' });
    const unnamed: string[] = [];
    for (const e of result.errors) {
      if (e.id !== null) out.set(e.id, { kind: 'rejected', error: `HubSpot: ${e.message}` });
      else unnamed.push(e.message);
    }
    const unsettled = updates.filter((u) => !out.has(u.id));
    if (unsettled.length === 0) return;
    if (updates.length === 1 || unsettled.length === updates.length) {
      const error = `HubSpot did not update the contact${unnamed.length ? `: ${unnamed.join('; ')}` : ''}`;
      for (const u of unsettled) out.set(u.id, { kind: 'failed', error });
      return;
    }
    await updateIsolating(client, unsettled, out);
  } catch (err) {
    const error = describeError(err);
    if (!isRejection(err)) {
      for (const u of updates) out.set(u.id, { kind: 'failed', error });
    } else if (updates.length === 1) {
      for (const u of updates) out.set(u.id, { kind: 'rejected', error });
    } else {
      for (const half of halves(updates)) await updateIsolating(client, half, out);
    }
  }
}
