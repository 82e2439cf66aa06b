/**
 * The legal guard on calling hours. It is not configurable: a campaign window can only narrow it, never widen it.
 * Hours are local to the person called, in minutes after local midnight, end exclusive.
 *
 * Federal floor: no calls before 08:00 or at/after 21:00 local (TCPA, 47 CFR §64.1200(c)(1)). Several states are
 * stricter; where the contact's state is known its rule applies. Many of these statutes target "telephone
 * solicitation" and some exempt charities, but applying them anyway costs a little dialling time and removes a
 * legal question, so the table applies them to every call. State holidays are not modelled here: campaigns list
 * them as blackout dates.
 */

export interface LegalWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

const hours = (startHour: number, endHour: number): LegalWindow => ({
  startMinute: startHour * 60,
  endMinute: endHour * 60,
});

/** An empty window: no calls at all that day. */
const NO_CALLS: LegalWindow = { startMinute: 0, endMinute: 0 };

const SUNDAY = 7;
const SATURDAY = 6;

export const FEDERAL_WINDOW: LegalWindow = hours(8, 21);

interface StateRule {
  /** Hours on ordinary days (Monday to Friday, and any day not listed in byWeekday). */
  readonly hours: LegalWindow;
  /** Days with their own hours, keyed by ISO weekday (1 = Monday .. 7 = Sunday). */
  readonly byWeekday?: Readonly<Partial<Record<number, LegalWindow>>>;
}

const STATE_RULES: Readonly<Record<string, StateRule>> = {
  // Alabama: telephone solicitation rules of the Alabama PSC; 08:00–20:00, none on Sundays.
  AL: { hours: hours(8, 20), byWeekday: { [SUNDAY]: NO_CALLS } },
  // Connecticut: Conn. Gen. Stat. §42-288a, as amended by Public Act 23-98 (2023).
  CT: { hours: hours(9, 20) },
  // Florida Telephone Solicitation Act, Fla. Stat. §501.059(8)(a) (as amended by SB 1120, 2021).
  FL: { hours: hours(8, 20) },
  // Kentucky telephone solicitation law, KRS 367.46951 et seq.
  KY: { hours: hours(10, 21) },
  // Louisiana Telephone Solicitation Relief Act, La. R.S. 45:844.11 et seq.; none on Sundays.
  LA: { hours: hours(8, 20), byWeekday: { [SUNDAY]: NO_CALLS } },
  // Massachusetts telephone solicitation law, Mass. Gen. Laws ch. 159C §3.
  MA: { hours: hours(8, 20) },
  // Maryland Stop the Spam Calls Act of 2023, Md. Code, Com. Law §14-4503.
  MD: { hours: hours(8, 20) },
  // Michigan Home Solicitation Sales Act, MCL 445.111 et seq.
  MI: { hours: hours(9, 21) },
  // Minnesota telephone solicitation law, Minn. Stat. §325E.27.
  MN: { hours: hours(9, 21) },
  // Mississippi Telephone Solicitation Act, Miss. Code §77-3-725; none on Sundays.
  MS: { hours: hours(8, 20), byWeekday: { [SUNDAY]: NO_CALLS } },
  // New Mexico Unfair Practices Act, telephone solicitation, NMSA 1978 §57-12-22.
  NM: { hours: hours(9, 21) },
  // Nevada telephone solicitation law, NRS chapter 228 (Attorney General's no-call rules).
  NV: { hours: hours(9, 20) },
  // Oklahoma Telephone Solicitation Act of 2022, Okla. Stat. tit. 15 §775C.4.
  OK: { hours: hours(8, 20) },
  // Rhode Island Telephone Sales Solicitation Act, R.I. Gen. Laws §5-61-3.6 with hours defined in §5-61-2.
  RI: { hours: hours(9, 18), byWeekday: { [SATURDAY]: hours(10, 17), [SUNDAY]: NO_CALLS } },
  // Texas telephone solicitation, Tex. Bus. & Com. Code §301.051; Sundays from noon only.
  TX: { hours: hours(9, 21), byWeekday: { [SUNDAY]: hours(12, 21) } },
  // Washington commercial telephone solicitation, RCW 80.36.390.
  WA: { hours: hours(8, 20) },
};

function intersect(a: LegalWindow, b: LegalWindow): LegalWindow {
  const startMinute = Math.max(a.startMinute, b.startMinute);
  const endMinute = Math.min(a.endMinute, b.endMinute);
  return endMinute > startMinute ? { startMinute, endMinute } : NO_CALLS;
}

/**
 * The legal hours on an ordinary weekday for a contact in `usState` (a 2-letter code, or null when unknown).
 * Day-specific rules (no calls on Sundays in some states) need the weekday: use legalWindowOn for scheduling.
 */
export function legalWindowFor(usState: string | null): { startMinute: number; endMinute: number } {
  const rule = usState === null ? undefined : STATE_RULES[usState.toUpperCase()];
  const window = rule === undefined ? FEDERAL_WINDOW : intersect(FEDERAL_WINDOW, rule.hours);
  return { startMinute: window.startMinute, endMinute: window.endMinute };
}

/** The legal hours on a given local ISO weekday (1 = Monday .. 7 = Sunday); an empty window means no calls. */
export function legalWindowOn(usState: string | null, isoWeekday: number): LegalWindow {
  const rule = usState === null ? undefined : STATE_RULES[usState.toUpperCase()];
  if (rule === undefined) return FEDERAL_WINDOW;
  return intersect(FEDERAL_WINDOW, rule.byWeekday?.[isoWeekday] ?? rule.hours);
}

/** The states whose rules are stricter than the federal floor (for display and tests). */
export function statesWithStricterHours(): string[] {
  return Object.keys(STATE_RULES).sort();
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  alabama: 'AL',
  alaska: 'AK',
  arizona: 'AZ',
  arkansas: 'AR',
  california: 'CA',
  colorado: 'CO',
  connecticut: 'CT',
  delaware: 'DE',
  'district of columbia': 'DC',
  florida: 'FL',
  georgia: 'GA',
  hawaii: 'HI',
  idaho: 'ID',
  illinois: 'IL',
  indiana: 'IN',
  iowa: 'IA',
  kansas: 'KS',
  kentucky: 'KY',
  louisiana: 'LA',
  maine: 'ME',
  maryland: 'MD',
  massachusetts: 'MA',
  michigan: 'MI',
  minnesota: 'MN',
  mississippi: 'MS',
  missouri: 'MO',
  montana: 'MT',
  nebraska: 'NE',
  nevada: 'NV',
  'new hampshire': 'NH',
  'new jersey': 'NJ',
  'new mexico': 'NM',
  'new york': 'NY',
  'north carolina': 'NC',
  'north dakota': 'ND',
  ohio: 'OH',
  oklahoma: 'OK',
  oregon: 'OR',
  pennsylvania: 'PA',
  'rhode island': 'RI',
  'south carolina': 'SC',
  'south dakota': 'SD',
  tennessee: 'TN',
  texas: 'TX',
  utah: 'UT',
  vermont: 'VT',
  virginia: 'VA',
  washington: 'WA',
  'west virginia': 'WV',
  wisconsin: 'WI',
  wyoming: 'WY',
  'american samoa': 'AS',
  guam: 'GU',
  'northern mariana islands': 'MP',
  'puerto rico': 'PR',
  'u.s. virgin islands': 'VI',
  'us virgin islands': 'VI',
  'virgin islands': 'VI',
  'washington dc': 'DC',
  'washington d.c.': 'DC',
  'd.c.': 'DC',
};

const STATE_CODES: ReadonlySet<string> = new Set(Object.values(STATE_NAMES));

/**
 * A US state (or DC / territory) as its 2-letter code, from a code in any case ("fl", "FL", "US-FL") or a full name
 * ("Florida", "new york"); null for anything else. HubSpot's state property is free text, so this is lenient on
 * case and spacing and strict on everything else.
 */
export function normalizeUsState(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value.trim().replace(/\s+/g, ' ').toLowerCase();
  const code = cleaned.startsWith('us-') ? cleaned.slice(3) : cleaned;
  if (code.length === 2) {
    const upper = code.toUpperCase();
    return STATE_CODES.has(upper) ? upper : null;
  }
  return STATE_NAMES[cleaned] ?? null;
}
