import type { SkipReason } from '@fundraising/shared';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizeUsState, resolveContactZones } from '../../calling-window/index.js';
import type { Campaign } from '../campaign-model.js';

/**
 * One HubSpot contact turned into what the engine dials: an E.164 number, candidate time zones, the agent's
 * dynamic variables, or the reason it will never be called. Pure except for the zone lookup (phone-prefix data).
 */

export type ImportSettings = Pick<
  Campaign,
  | 'defaultRegion'
  | 'requireConsent'
  | 'consentProperty'
  | 'dncProperty'
  | 'defaultTimeZone'
  | 'variableProperties'
>;

export type ContactProperties = Readonly<Record<string, string | null | undefined>>;

export interface NormalizedContact {
  readonly contactId: string;
  readonly phoneE164: string | null;
  readonly zones: string[];
  readonly zoneSource: 'hubspot' | 'phone' | 'campaign_default' | 'none';
  readonly usState: string | null;
  readonly firstName: string | null;
  readonly variables: Record<string, string>;
  readonly skipReason: SkipReason | null;
  /** The CRM's do-not-call property is set: the number goes on the portal's list (import-page.ts, decideSkips). */
  readonly doNotCall: boolean;
}

/**
 * When several reasons apply, the first in this order is recorded. duplicate_phone comes last: only a contact
 * that would otherwise be called claims its number (decided against the database, see import-page.ts).
 */
export const SKIP_PRECEDENCE: readonly SkipReason[] = [
  'no_phone',
  'invalid_phone',
  'suppressed',
  'no_consent',
  'no_time_zone',
  'duplicate_phone',
];

/** The more important of two reasons by SKIP_PRECEDENCE (null means "callable"). */
export function strongerReason(a: SkipReason | null, b: SkipReason | null): SkipReason | null {
  if (a === null) return b;
  if (b === null) return a;
  return SKIP_PRECEDENCE.indexOf(a) <= SKIP_PRECEDENCE.indexOf(b) ? a : b;
}

const BASE_PROPERTIES = ['phone', 'mobilephone', 'firstname', 'lastname', 'hs_timezone', 'state', 'country'];

/** Every contact property the import reads for this campaign, each once. */
export function contactPropertiesFor(campaign: ImportSettings): string[] {
  return [
    ...new Set([
      ...BASE_PROPERTIES,
      campaign.consentProperty,
      campaign.dncProperty,
      ...Object.values(campaign.variableProperties),
    ]),
  ];
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** HubSpot sends checkbox and boolean values as the strings 'true' / 'false'. */
const isTrue = (value: string | null | undefined) => text(value)?.toLowerCase() === 'true';

type PhoneResult = { e164: string } | { reason: 'no_phone' | 'invalid_phone' };

/**
 * `phone`, else `mobilephone`. A garbage `phone` does not hide a good `mobilephone`: the first valid one wins, and
 * the contact is invalid_phone only when something was written but nothing parses.
 */
export function pickPhone(properties: ContactProperties, defaultRegion: string): PhoneResult {
  const written = [text(properties.phone), text(properties.mobilephone)].filter(
    (v): v is string => v !== null,
  );
  if (written.length === 0) return { reason: 'no_phone' };
  for (const value of written) {
    const parsed = parsePhoneNumberFromString(value, defaultRegion as CountryCode);
    if (parsed?.isValid()) return { e164: parsed.number };
  }
  return { reason: 'invalid_phone' };
}

function variablesOf(properties: ContactProperties, mapping: Readonly<Record<string, string>>) {
  const variables: Record<string, string> = {};
  for (const [variable, property] of Object.entries(mapping)) {
    const value = text(properties[property]);
    if (value !== null) variables[variable] = value;
  }
  return variables;
}

/**
 * resolveContactZones canonicalises a zone name with fresh Intl.DateTimeFormat objects on every call; ICU's native
 * memory for 100,000 of them pushed a large import's RSS past 300 MB and cost seconds of CPU. A contact's own
 * hs_timezone decides alone (the number and default are not consulted), so that answer is cached per slug; HubSpot
 * has a few hundred slugs.
 */
const zonesBySlug = new Map<string, readonly string[]>();
const MAX_CACHED_SLUGS = 1_000;

async function zonesFor(hsTimezone: string | null, e164: string | null, defaultZone: string | null) {
  const cached = hsTimezone === null ? undefined : zonesBySlug.get(hsTimezone);
  if (cached !== undefined) return { zones: [...cached], source: 'hubspot' as const };
  const resolved = await resolveContactZones({ hsTimezone, e164, defaultZone });
  if (hsTimezone !== null && resolved.source === 'hubspot') {
    if (zonesBySlug.size >= MAX_CACHED_SLUGS) zonesBySlug.clear();
    zonesBySlug.set(hsTimezone, [...resolved.zones]);
  }
  return resolved;
}

export async function normalizeContact(
  contactId: string,
  properties: ContactProperties,
  campaign: ImportSettings,
): Promise<NormalizedContact> {
  const phone = pickPhone(properties, campaign.defaultRegion);
  const phoneE164 = 'e164' in phone ? phone.e164 : null;
  const { zones, source } = await zonesFor(text(properties.hs_timezone), phoneE164, campaign.defaultTimeZone);

  let skipReason: SkipReason | null = 'reason' in phone ? phone.reason : null;
  const doNotCall = isTrue(properties[campaign.dncProperty]);
  if (doNotCall) skipReason = strongerReason(skipReason, 'suppressed');
  if (campaign.requireConsent && !isTrue(properties[campaign.consentProperty]))
    skipReason = strongerReason(skipReason, 'no_consent');
  if (source === 'none' || zones.length === 0) skipReason = strongerReason(skipReason, 'no_time_zone');

  return {
    contactId,
    phoneE164,
    zones,
    zoneSource: source,
    usState: normalizeUsState(properties.state),
    firstName: text(properties.firstname),
    variables: variablesOf(properties, campaign.variableProperties),
    skipReason,
    doNotCall,
  };
}
