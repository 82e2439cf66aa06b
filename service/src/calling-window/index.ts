export { isValidTimeZone, type LocalParts, localParts, zonedToUtc } from '../core/zoned-time.js';
export {
  FEDERAL_WINDOW,
  type LegalWindow,
  legalWindowFor,
  legalWindowOn,
  normalizeUsState,
  statesWithStricterHours,
} from './legal-hours.js';
export {
  canonicalTimeZone,
  hubspotTimeZoneToIana,
  type ResolvedZones,
  resolveContactZones,
  type ZoneSource,
  zonesForPhoneNumber,
} from './time-zone-resolution.js';
export {
  type CallingWindow,
  type ContactZoneInfo,
  isCallAllowedAt,
  nextAllowedInstant,
  snapToWindow,
  validateWindow,
  type WindowProblem,
} from './window.js';
