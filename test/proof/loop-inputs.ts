import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { hubspotTimeZoneToIana, zonesForPhoneNumber } from '../../service/src/calling-window/index.js';
import { readContact } from './loop-surface.js';
import type { PersonInput } from './records.js';

/**
 * The people of a run as the test set them up: each contact read from the fake HubSpot's sandbox page (the CRM as
 * the portal holds it), its number made E.164 the way a US portal's numbers are read, its candidate zones from
 * HubSpot's `hs_timezone` or else from the number's prefix, its do-not-call and consent flags as the CRM holds them.
 */

const STATES = /^[A-Z]{2}$/;
const isTrue = (v: string | null | undefined) => (v ?? '').trim().toLowerCase() === 'true';

export async function personOf(
  hubspotUrl: string,
  portalId: number,
  contactId: string,
): Promise<PersonInput> {
  const { properties: p } = await readContact(hubspotUrl, portalId, contactId);
  const written = [p.phone, p.mobilephone].filter(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );
  const e164 = written
    .map((v) => parsePhoneNumberFromString(v, 'US'))
    .find((parsed) => parsed?.isValid())?.number;
  const zone = hubspotTimeZoneToIana(p.hs_timezone);
  const zones = zone !== null ? [zone] : e164 === undefined ? [] : await zonesForPhoneNumber(e164);
  const state = (p.state ?? '').trim().toUpperCase();
  return {
    portalId,
    contactId,
    phone: e164 ?? written[0] ?? null,
    zones,
    usState: STATES.test(state) ? state : null,
    doNotCall: isTrue(p.fundraising_do_not_call),
    noConsent: !isTrue(p.ai_call_consent),
    invalid: e164 === undefined,
  };
}

/** Every contact of the run, read 16 at a time. */
export async function peopleOf(
  hubspotUrl: string,
  contacts: readonly { portalId: number; contactId: string }[],
): Promise<PersonInput[]> {
  const seen = new Set<string>();
  const unique = contacts.filter((c) => {
    const k = `${c.portalId}|${c.contactId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const people: PersonInput[] = [];
  for (let i = 0; i < unique.length; i += 16) {
    people.push(
      ...(await Promise.all(
        unique.slice(i, i + 16).map((c) => personOf(hubspotUrl, c.portalId, c.contactId)),
      )),
    );
  }
  return people;
}
