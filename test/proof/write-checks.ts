import type { ProofDial, ProofPropertyWrite } from './records.js';
import { describeDial, groupBy, key, type RunIndex, type Violation } from './run-index.js';

/** The invariants read from HubSpot's side: the fake HubSpot's engagements, property writes and completions. */

/** Written with every call's outcome (writeback/crm-schema.ts): which call a write reflects. */
const LAST_CALL_DATE = 'ai_last_call_date';

/**
 * Every finished call has exactly one Calls engagement (keyed by our attempt id), and reached its contact's
 * properties exactly once. The properties describe the contact's latest call, and a write-back run writes each
 * contact once with its latest outcome: a call is covered by the write naming it (`ai_last_call_date` = its start,
 * or a little later where the provider gave none) or, when a later call ended before its write-back ran, by a
 * write naming that later call. So: every write names one of the contact's calls, no call is named twice, and
 * each contact's latest call is named.
 */
export function finishedCallsWrittenOnce(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const fail = (detail: string) => violations.push({ invariant: 'finished-call-written-once', detail });
  const finished = index.records.dials.filter((d) => d.endedAtMs !== null);
  for (const dial of finished) {
    const n = index.engagementsOf(dial.userId).length;
    if (n !== 1) fail(`${describeDial(dial)}: ${n} Calls engagements`);
  }
  for (const e of index.records.engagements) {
    if (e.objectWriteTraceId === null || index.dialOf(e.objectWriteTraceId) === undefined)
      fail(
        `engagement ${e.id} in portal ${e.portalId}: no dial carried its attempt id ${e.objectWriteTraceId}`,
      );
  }
  // The calls each contact had, by the contact HubSpot's engagement names.
  const callsOf = new Map<string, ProofDial[]>();
  for (const dial of finished) {
    for (const e of index.engagementsOf(dial.userId).slice(0, 1)) {
      for (const contactId of e.contactIds) {
        const k = key(e.portalId, contactId);
        callsOf.set(k, [...(callsOf.get(k) ?? []), dial]);
      }
    }
  }
  const writes = groupBy(
    index.records.propertyWrites.filter((w) => typeof w.properties[LAST_CALL_DATE] === 'string'),
    (w) => key(w.portalId, w.contactId),
  );
  for (const [k, calls] of callsOf) {
    const named = new Map<ProofDial, number>();
    for (const write of writes.get(k) ?? []) {
      const call = callNamedBy(write, calls, index.inputs.dialLagMs);
      if (call === undefined) {
        fail(`${k}: property write of ${write.properties[LAST_CALL_DATE]} names none of the contact's calls`);
        continue;
      }
      named.set(call, (named.get(call) ?? 0) + 1);
    }
    for (const [call, times] of named)
      if (times > 1) fail(`${describeDial(call)}: written to the contact's properties ${times} times`);
    const latest = [...calls].sort((a, b) => (a.endedAtMs ?? 0) - (b.endedAtMs ?? 0)).at(-1);
    if (latest && !named.has(latest))
      fail(`${describeDial(latest)}: the contact's latest call never reached its properties`);
  }
  for (const [k, list] of writes)
    if (!callsOf.has(k)) fail(`${k}: ${list.length} call property writes for a contact with no call`);
  return violations;
}

/** The call whose start the write's date is: at the same second, or up to the lag later (the placement time). */
function callNamedBy(
  write: ProofPropertyWrite,
  calls: readonly ProofDial[],
  lagMs: number,
): ProofDial | undefined {
  const dateMs = Date.parse(write.properties[LAST_CALL_DATE] ?? '');
  if (Number.isNaN(dateMs)) return undefined;
  const candidates = calls.filter(
    (c) => dateMs >= Math.floor(c.atMs / 1000) * 1000 && dateMs <= c.atMs + lagMs,
  );
  return candidates.sort((a, b) => b.atMs - a.atMs)[0];
}

/** Every workflow enrolment's callback completed exactly once, in its own portal; no completion of anything else. */
export function enrolmentsCompletedOnce(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const fail = (detail: string) => violations.push({ invariant: 'enrolment-completed-once', detail });
  const completions = groupBy(index.records.completions, (c) => c.callbackId);
  const enrolled = new Set(index.inputs.enrolments.map((e) => e.callbackId));
  for (const enrolment of index.inputs.enrolments) {
    const done = completions.get(enrolment.callbackId) ?? [];
    if (done.length !== 1)
      fail(
        `callback ${enrolment.callbackId} (contact ${enrolment.contactId}): completed ${done.length} times`,
      );
  }
  for (const [callbackId, done] of completions)
    if (!enrolled.has(callbackId))
      fail(`callback ${callbackId}: completed ${done.length} times, never enrolled`);
  return violations;
}

/**
 * No object of one portal written into another: each dial's number is a contact of its campaign's portal; each
 * engagement sits in the portal of the campaign that placed its call, on that portal's contact with the dialled
 * number; each property write is on a contact its portal called; each completion in its enrolment's portal; and
 * HubSpot saw requests for no portal outside the run.
 */
export function tenantIsolation(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const fail = (detail: string) => violations.push({ invariant: 'tenant-isolation', detail });
  const reached = new Set<string>();
  for (const dial of index.records.dials) {
    const campaign = index.campaignOf(dial);
    if (campaign === undefined) {
      fail(`${describeDial(dial)}: no campaign of the run`);
      continue;
    }
    const holders = index.peopleAt(campaign.portalId, dial.toNumber);
    if (holders.length === 0) fail(`${describeDial(dial)}: not a number of portal ${campaign.portalId}`);
    for (const e of index.engagementsOf(dial.userId)) {
      if (e.portalId !== campaign.portalId)
        fail(
          `engagement ${e.id}: in portal ${e.portalId}, its call was placed for portal ${campaign.portalId}`,
        );
      for (const contactId of e.contactIds) {
        reached.add(key(e.portalId, contactId));
        if (!holders.some((p) => p.contactId === contactId))
          fail(
            `engagement ${e.id}: on contact ${contactId} of portal ${e.portalId}, who does not have ${dial.toNumber}`,
          );
      }
    }
  }
  for (const enrolment of index.inputs.enrolments) reached.add(key(enrolment.portalId, enrolment.contactId));
  for (const w of index.records.propertyWrites)
    if (!reached.has(key(w.portalId, w.contactId)))
      fail(
        `property write on contact ${w.contactId} of portal ${w.portalId}, which that portal never called`,
      );
  const enrolmentPortal = new Map(index.inputs.enrolments.map((e) => [e.callbackId, e.portalId]));
  for (const c of index.records.completions) {
    const portalId = enrolmentPortal.get(c.callbackId);
    if (portalId !== undefined && portalId !== c.portalId)
      fail(`callback ${c.callbackId}: completed in portal ${c.portalId}, enrolled in portal ${portalId}`);
  }
  const portals = new Set(index.inputs.portals);
  const strangers = new Set(
    index.records.requests.flatMap((r) =>
      r.portalId !== null && !portals.has(r.portalId) ? [r.portalId] : [],
    ),
  );
  for (const portalId of strangers) fail(`HubSpot requests for portal ${portalId}, which is not in the run`);
  return violations;
}
