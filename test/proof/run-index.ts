import type {
  CampaignInput,
  PersonInput,
  ProofDial,
  ProofEngagement,
  RunInputs,
  RunRecords,
} from './records.js';

/** The violations one named invariant reports; `detail` names the dial, contact or write and what was wrong. */
export interface Violation {
  readonly invariant: InvariantName;
  readonly detail: string;
}

export const INVARIANTS = [
  'dial-inside-window',
  'no-dial-to-blocked-number',
  'in-flight-within-caps',
  'max-attempts',
  'retry-policy',
  'frequency-cap',
  'no-number-dialled-twice-at-once',
  'finished-call-written-once',
  'enrolment-completed-once',
  'tenant-isolation',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/**
 * Lookups over the records and inputs that several checks share. A dial is tied to its campaign by the campaign
 * name it carried to the provider, and to its person by (the campaign's portal, the number dialled); the contact a
 * call was for is the one HubSpot's engagement names. No table of ours is read.
 */
export interface RunIndex {
  readonly inputs: RunInputs;
  readonly records: RunRecords;
  readonly campaignOf: (dial: ProofDial) => CampaignInput | undefined;
  /** The portal's contacts with this number (several when the CRM holds duplicates). */
  readonly peopleAt: (portalId: number, phone: string) => readonly PersonInput[];
  readonly person: (portalId: number, contactId: string) => PersonInput | undefined;
  /** Engagements by our attempt id (objectWriteTraceId). */
  readonly engagementsOf: (attemptId: string | null) => readonly ProofEngagement[];
  /** Dials by our attempt id. */
  readonly dialOf: (attemptId: string) => ProofDial | undefined;
}

const key = (...parts: (string | number)[]) => parts.join('|');

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    if (k === null) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function indexRun(records: RunRecords, inputs: RunInputs): RunIndex {
  const campaigns = new Map(inputs.campaigns.map((c) => [c.name, c]));
  const byPhone = groupBy(inputs.people, (p) => (p.phone === null ? null : key(p.portalId, p.phone)));
  const byContact = new Map(inputs.people.map((p) => [key(p.portalId, p.contactId), p]));
  const engagements = groupBy(records.engagements, (e) => e.objectWriteTraceId);
  const dials = new Map(records.dials.filter((d) => d.userId !== null).map((d) => [d.userId ?? '', d]));
  return {
    inputs,
    records,
    campaignOf: (dial) => (dial.campaignName === null ? undefined : campaigns.get(dial.campaignName)),
    peopleAt: (portalId, phone) => byPhone.get(key(portalId, phone)) ?? [],
    person: (portalId, contactId) => byContact.get(key(portalId, contactId)),
    engagementsOf: (attemptId) => (attemptId === null ? [] : (engagements.get(attemptId) ?? [])),
    dialOf: (attemptId) => dials.get(attemptId),
  };
}

/** The people a dial was for: the contact its engagement names when there is one, else every holder of the number. */
export function peopleOfDial(index: RunIndex, dial: ProofDial): readonly PersonInput[] {
  const campaign = index.campaignOf(dial);
  if (campaign === undefined) return [];
  const holders = index.peopleAt(campaign.portalId, dial.toNumber);
  const named = new Set(index.engagementsOf(dial.userId).flatMap((e) => e.contactIds));
  const chosen = holders.filter((p) => named.has(p.contactId));
  return chosen.length > 0 ? chosen : holders;
}

export function describeDial(dial: ProofDial): string {
  return `dial ${dial.userId ?? '(no attempt id)'} to ${dial.toNumber} at ${new Date(dial.atMs).toISOString()} (${dial.campaignName ?? 'no campaign'})`;
}

export { groupBy, key };
