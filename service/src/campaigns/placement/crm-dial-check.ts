import type { ServiceDeps } from '../../core/deps.js';
import { execute } from '../../db/statement.js';
import { createDialTimeContactReader, type DialTimeContactReader } from './dial-time-contact-reader.js';
import * as q from './queries.js';

/** What a batched pre-dial read stored on the campaign contact (`campaign_contacts.crm_check`). */
export interface StoredDialCheck {
  readonly dncProperty: string;
  readonly consentProperty: string;
  readonly dnc: string | null;
  readonly consent: string | null;
}

export interface DialCheckSubject {
  readonly id: string;
  readonly portal_id: string;
  readonly campaign_contact_id: string;
  readonly contact_id: string;
  readonly dnc_property: string;
  readonly consent_property: string;
  readonly crm_check: StoredDialCheck | null;
  readonly crm_checked_at: Date | null;
}

/** The check to keep, from a contact's properties as HubSpot returned them. */
export function dialCheckFrom(
  properties: Readonly<Record<string, string | null>>,
  dncProperty: string,
  consentProperty: string,
): StoredDialCheck {
  return {
    dncProperty,
    consentProperty,
    dnc: properties[dncProperty] ?? null,
    consent: properties[consentProperty] ?? null,
  };
}

/** Keeps checks read from HubSpot at `readAt` on their campaign contacts (batched or single). */
export async function storeDialChecks(
  pool: ServiceDeps['pool'],
  portalId: string,
  checks: readonly { campaignContactId: string; check: StoredDialCheck }[],
  readAt: number,
): Promise<void> {
  await execute(pool, q.STORE_DIAL_CHECKS, [
    portalId,
    checks.map((c) => c.campaignContactId),
    checks.map((c) => JSON.stringify(c.check)),
    new Date(readAt),
  ]);
}

/**
 * HubSpot's do-not-call and consent values for a dial: from the batched pre-dial read when it is younger than
 * `dialCheckMaxAgeMs` and was made for the campaign's current properties, else read now (coalesced with the
 * placements running at the same moment). Throws when HubSpot cannot be read: the caller fails closed.
 */
export async function crmDialProperties(
  deps: ServiceDeps,
  subject: DialCheckSubject,
  now: number,
): Promise<StoredDialCheck | null> {
  const stored = subject.crm_check;
  const maxAge = deps.settings.dialCheckMaxAgeMs;
  if (
    stored &&
    subject.crm_checked_at &&
    maxAge > 0 &&
    now - subject.crm_checked_at.getTime() < maxAge &&
    stored.dncProperty === subject.dnc_property &&
    stored.consentProperty === subject.consent_property
  ) {
    return stored;
  }
  const contact = await contactReader(deps).read(Number(subject.portal_id), subject.contact_id, [
    subject.dnc_property,
    subject.consent_property,
  ]);
  if (!contact) return null;
  const check = dialCheckFrom(contact, subject.dnc_property, subject.consent_property);
  // Kept like a batched read, so a redial of this contact soon after (a retry, a callback) needs no request.
  await storeDialChecks(
    deps.pool,
    subject.portal_id,
    [{ campaignContactId: subject.campaign_contact_id, check }],
    now,
  );
  return check;
}

// One batching reader per HubSpot client set, so concurrent placements of one engine share their batches.
const readers = new WeakMap<ServiceDeps['hubspot'], DialTimeContactReader>();
function contactReader(deps: ServiceDeps): DialTimeContactReader {
  let reader = readers.get(deps.hubspot);
  if (!reader) {
    // 50 ms: a tick's claims reach their placement jobs over a few tens of milliseconds (longer on a busy host).
    reader = createDialTimeContactReader(deps.hubspot, { windowMs: 50 });
    readers.set(deps.hubspot, reader);
  }
  return reader;
}
