import { type HubSpotEvent, isTrueValue } from './webhook-events.js';

/**
 * What a batch of newly stored HubSpot events does to our rows, decided without I/O:
 * - a change of a campaign's do-not-call or consent property forgets the contact's cached dial-time check (the
 *   next dial reads HubSpot itself); do-not-call = true also puts the contact's numbers on the portal's
 *   do-not-call list at once, and any other value takes off only what an earlier property change put there;
 * - a deletion (plain or privacy) cancels the contact's pending work; a privacy deletion also asks for erasure;
 * - only the latest change of a contact's property counts (HubSpot does not deliver in order);
 * - events of portals we do not serve, other subscription types and properties no campaign uses are ignored.
 */

export interface ContactRef {
  readonly portalId: number;
  readonly contactId: string;
}

export interface PropertyChangeRef extends ContactRef {
  readonly property: string;
}

export interface CampaignProperties {
  readonly dnc: ReadonlySet<string>;
  readonly consent: ReadonlySet<string>;
}

export interface StoredEvent extends HubSpotEvent {
  readonly rowId: string;
}

export interface EventOutcome {
  readonly rowId: string;
  readonly outcome: string;
  /** False while the event waits for work done later (a privacy deletion's erasure). */
  readonly done: boolean;
}

export interface ChangePlan {
  readonly invalidate: readonly PropertyChangeRef[];
  readonly suppress: readonly PropertyChangeRef[];
  readonly unsuppress: readonly PropertyChangeRef[];
  readonly cancel: readonly ContactRef[];
  readonly erase: readonly ContactRef[];
  readonly outcomes: readonly EventOutcome[];
}

export function planChanges(input: {
  readonly events: readonly StoredEvent[];
  readonly servedPortals: ReadonlySet<number>;
  readonly properties: ReadonlyMap<number, CampaignProperties>;
  /** Property changes a later change of the same contact and property has already overtaken. */
  readonly superseded: ReadonlySet<string>;
}): ChangePlan {
  const invalidate: PropertyChangeRef[] = [];
  const suppress: PropertyChangeRef[] = [];
  const unsuppress: PropertyChangeRef[] = [];
  const cancel = new Map<string, ContactRef>();
  const erase = new Map<string, ContactRef>();
  const outcomes: EventOutcome[] = [];
  const done = (e: StoredEvent, outcome: string) => outcomes.push({ rowId: e.rowId, outcome, done: true });

  for (const e of input.events) {
    if (e.kind === 'other') {
      done(e, 'ignored: not a contact event we act on');
      continue;
    }
    if (!input.servedPortals.has(e.portalId)) {
      done(e, 'ignored: portal not served');
      continue;
    }
    const contact: ContactRef = { portalId: e.portalId, contactId: e.objectId ?? '' };
    const key = `${contact.portalId}:${contact.contactId}`;
    if (e.kind === 'contact_deletion') {
      cancel.set(key, contact);
      done(e, 'applied: pending calls cancelled');
      continue;
    }
    if (e.kind === 'contact_privacy_deletion') {
      cancel.set(key, contact);
      erase.set(key, contact);
      outcomes.push({ rowId: e.rowId, outcome: 'erasure pending', done: false });
      continue;
    }
    const property = e.propertyName ?? '';
    const used = input.properties.get(e.portalId);
    const isDnc = used?.dnc.has(property) ?? false;
    const isConsent = used?.consent.has(property) ?? false;
    if (!isDnc && !isConsent) {
      done(e, 'ignored: no campaign uses this property');
      continue;
    }
    if (input.superseded.has(e.rowId)) {
      done(e, 'superseded: a later change of this property came first');
      continue;
    }
    const change: PropertyChangeRef = { ...contact, property };
    invalidate.push(change);
    if (isDnc) (isTrueValue(e.propertyValue) ? suppress : unsuppress).push(change);
    done(e, isDnc ? `applied: do-not-call ${isTrueValue(e.propertyValue)}` : 'applied: consent changed');
  }
  return {
    invalidate,
    suppress,
    unsuppress,
    cancel: [...cancel.values()],
    erase: [...erase.values()],
    outcomes,
  };
}
