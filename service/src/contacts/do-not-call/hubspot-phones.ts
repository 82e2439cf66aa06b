import { pickPhone } from '../../campaigns/index.js';
import type { ServiceDeps } from '../../core/deps.js';

/** The phone properties the import dials from (`phone`, else `mobilephone`). */
const PHONE_PROPERTIES = ['phone', 'mobilephone'] as const;

export type HubSpotPhones =
  | { readonly kind: 'found'; readonly phones: string[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unavailable'; readonly error: unknown };

/**
 * The contact's numbers as HubSpot has them now, in E.164 (read in the region the portal's campaigns use), so a
 * number the contact has in HubSpot but not yet in any campaign is blocked too (a later import checks the list).
 * Both properties count: do-not-call is about the person, whichever of their numbers a campaign would pick.
 */
export async function hubspotPhones(
  deps: ServiceDeps,
  portalId: number,
  contactId: string,
  region: string,
): Promise<HubSpotPhones> {
  try {
    const read = await deps.hubspot.forPortal(portalId).batchReadContacts([contactId], PHONE_PROPERTIES);
    const contact = read.contacts.find((c) => c.id === contactId);
    if (!contact) return { kind: 'missing' };
    const phones = new Set<string>();
    for (const property of PHONE_PROPERTIES) {
      const parsed = pickPhone({ phone: contact.properties[property] }, region);
      if ('e164' in parsed) phones.add(parsed.e164);
    }
    return { kind: 'found', phones: [...phones] };
  } catch (error) {
    return { kind: 'unavailable', error };
  }
}
