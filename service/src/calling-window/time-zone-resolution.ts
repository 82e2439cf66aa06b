import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isValidTimeZone } from '../core/zoned-time.js';

/**
 * Which zones a contact may be in: their HubSpot time zone, else the zones of their number's prefix, else the
 * campaign's default. The only asynchronous part of calling windows (the prefix data is read from disk).
 */

export type ZoneSource = 'hubspot' | 'phone' | 'campaign_default' | 'none';

/**
 * Current IANA names that ICU still reports under an older identifier (Intl resolves "Asia/Kolkata" to
 * "Asia/Calcutta"). Zones are stored under the current name, which Postgres and every other tz consumer know.
 */
const CURRENT_IANA_NAMES = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
];

function icuId(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

const CURRENT_BY_ICU_ID: ReadonlyMap<string, string> = new Map(
  CURRENT_IANA_NAMES.filter(isValidTimeZone).map((name) => [icuId(name), name]),
);

/**
 * A zone name in its canonical, correctly cased form ("us/eastern" → "America/New_York", "Asia/Calcutta" →
 * "Asia/Kolkata"), or null if Intl does not know it.
 */
export function canonicalTimeZone(zone: string): string | null {
  const known = canonicalCache.get(zone);
  if (known !== undefined) return known;
  const canonical = isValidTimeZone(zone) ? (CURRENT_BY_ICU_ID.get(icuId(zone)) ?? icuId(zone)) : null;
  // Each lookup builds an Intl formatter (slow, and heavy on memory across 100k contacts); names are few.
  if (canonicalCache.size < 5_000) canonicalCache.set(zone, canonical);
  return canonical;
}
const canonicalCache = new Map<string, string | null>();

/**
 * HubSpot's `hs_timezone` enumeration values are IANA names, lower-cased, with '/' spelled `_slash_` and '-'
 * spelled `_hyphen_` (`america_slash_port_hyphen_au_hyphen_prince`); underscores inside names stay. Some values are
 * legacy aliases (`us_slash_eastern`, `cuba`), which come back as the canonical zone. Null for anything Intl does
 * not know.
 */
export function hubspotTimeZoneToIana(slug: string | null | undefined): string | null {
  if (slug === null || slug === undefined) return null;
  const name = slug
    .trim()
    .replace(/_slash_/g, '/')
    .replace(/_hyphen_/g, '-')
    .replace(/_plus_/g, '+')
    .replace(/_minus_/g, '-');
  if (name === '' || name.includes(' ')) return null;
  return canonicalTimeZone(name);
}

// The prefix data's longest keys (country code included): 7 digits within +1, 9 elsewhere. The package finds the
// longest matching key, so its answer depends on these leading digits only, and lookups can be shared by prefix.
// A test checks these lengths against the installed data.
export const PREFIX_DIGITS_NANP = 7;
export const PREFIX_DIGITS_OTHER = 9;

const MAX_CACHED_PREFIXES = 50_000;
// The package reads and decodes its whole 100 kB data file on every call (~3 ms); 100,000 contacts share a few
// thousand prefixes.
const zonesByPrefix = new Map<string, Promise<string[]>>();

// One read at a time: decoding is synchronous CPU work, so parallel lookups gain nothing, and the package turns any
// read error (EMFILE under a burst of parallel opens) into "no zones" without telling us.
let lookupQueue: Promise<unknown> = Promise.resolve();

function lookUpZones(e164: string): Promise<string[]> {
  const lookup = lookupQueue.then(async () => {
    const found = await timezones(parsePhoneNumberFromString(e164));
    const zones: string[] = [];
    for (const zone of found ?? []) {
      const canonical = canonicalTimeZone(zone);
      if (canonical !== null && !zones.includes(canonical)) zones.push(canonical);
    }
    return zones.sort();
  });
  lookupQueue = lookup.catch(() => undefined);
  return lookup;
}

/**
 * Candidate zones for an E.164 number from its prefix (Google libphonenumber's data): one zone, several where the
 * prefix spans zones (Idaho's 208: Boise and Los Angeles), or none for a number that does not parse as a valid
 * number. Unknown and invalid zone names in the data are dropped.
 */
export async function zonesForPhoneNumber(e164: string): Promise<string[]> {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined || !parsed.isValid()) return [];
  const digits = parsed.number.slice(1);
  const prefix = digits.slice(0, digits.startsWith('1') ? PREFIX_DIGITS_NANP : PREFIX_DIGITS_OTHER);
  let zones = zonesByPrefix.get(prefix);
  if (zones === undefined) {
    if (zonesByPrefix.size >= MAX_CACHED_PREFIXES) zonesByPrefix.clear();
    zones = lookUpZones(parsed.number);
    zonesByPrefix.set(prefix, zones);
    // An empty answer may be a read error the package swallowed: ask again next time rather than remember it.
    zones.then(
      (found) => found.length === 0 && zonesByPrefix.delete(prefix),
      () => zonesByPrefix.delete(prefix),
    );
  }
  return [...(await zones)];
}

export interface ResolvedZones {
  zones: string[];
  source: ZoneSource;
}

/**
 * The contact's own `hs_timezone` wins (one zone); else the zones of the number's prefix (possibly several, and
 * then a call must fit every one of them); else the campaign's default zone if the fundraiser set one; else none,
 * and the contact is not dialled.
 */
export async function resolveContactZones(input: {
  hsTimezone?: string | null;
  e164?: string | null;
  defaultZone?: string | null;
}): Promise<ResolvedZones> {
  const own = hubspotTimeZoneToIana(input.hsTimezone);
  if (own !== null) return { zones: [own], source: 'hubspot' };
  if (input.e164) {
    const zones = await zonesForPhoneNumber(input.e164);
    if (zones.length > 0) return { zones, source: 'phone' };
  }
  const fallback = input.defaultZone ? canonicalTimeZone(input.defaultZone) : null;
  if (fallback !== null) return { zones: [fallback], source: 'campaign_default' };
  return { zones: [], source: 'none' };
}
