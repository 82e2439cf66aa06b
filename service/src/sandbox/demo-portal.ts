import { intBetween, pick, randomFor } from './deterministic.js';

/**
 * The demo HubSpot portal: a food bank with donor lists across US time zones, including the data problems a real
 * portal has (phones that are not phones, missing or duplicate numbers, do-not-call flags, no consent).
 * Contacts are never stored: each one is a pure function of (seed, contact id), so the 100,000-contact list costs
 * no memory and every run sees the same people. Phones are `+1 <area> 555 <line>`: valid for libphonenumber,
 * fictional in practice (the small lists use the reserved 555-01xx lines).
 */

export type ContactProperties = Record<string, string | null>;

export interface DemoContact {
  readonly id: string;
  readonly createdAt: string;
  readonly properties: ContactProperties;
}

export interface DemoList {
  readonly listId: string;
  readonly name: string;
  readonly size: number;
  readonly processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
  readonly createdAt: string;
  /** The member at a position in join order (0-based): its contact id and when it joined. */
  memberAt(index: number): { recordId: string; membershipTimestamp: string };
}

export interface DemoPortal {
  readonly portalId: number;
  readonly name: string;
  readonly domain: string;
  /** The portal's static access token (as a private app's token would be). */
  readonly accessToken: string;
  readonly lists: readonly DemoList[];
  /** A contact's properties before any write, or undefined when the portal has no such contact. */
  contact(id: string): DemoContact | undefined;
}

export const DEMO_PORTAL_ID = 9_900_001;

export function sandboxAccessToken(portalId: number): string {
  return `sandbox-token-${portalId}`;
}

interface Area {
  readonly code: number;
  readonly state: string;
  readonly timezone: string;
}

/** HubSpot's `hs_timezone` values are slugs of IANA names. */
export const DEMO_TIMEZONES = {
  eastern: 'america_slash_new_york',
  central: 'america_slash_chicago',
  mountain: 'america_slash_denver',
  arizona: 'america_slash_phoenix',
  pacific: 'america_slash_los_angeles',
  alaska: 'america_slash_anchorage',
  hawaii: 'pacific_slash_honolulu',
} as const;

const AREAS_BY_ZONE: Record<keyof typeof DEMO_TIMEZONES, string> = {
  eastern:
    '212 NY, 718 NY, 215 PA, 404 GA, 614 OH, 919 NC, 305 FL, 407 FL, 813 FL, 410 MD, 301 MD, 202 DC, 313 MI, 704 NC',
  // 850 is the Florida panhandle: a Florida number on Central time.
  central: '312 IL, 773 IL, 214 TX, 512 TX, 713 TX, 612 MN, 314 MO, 504 LA, 850 FL',
  mountain: '303 CO, 801 UT, 505 NM',
  // Arizona keeps standard time all year (no DST).
  arizona: '602 AZ, 520 AZ',
  pacific: '213 CA, 415 CA, 619 CA, 206 WA, 503 OR, 702 NV',
  alaska: '907 AK',
  hawaii: '808 HI',
};

/** 36 area codes; a contact's index picks one, so the mix is ~39% Eastern, 25% Central, 17% Pacific, … */
const AREAS: readonly Area[] = Object.entries(AREAS_BY_ZONE).flatMap(([zone, entries]) =>
  entries.split(', ').map((entry) => {
    const [code, state] = entry.split(' ');
    return {
      code: Number(code),
      state: state ?? '',
      timezone: DEMO_TIMEZONES[zone as keyof typeof DEMO_TIMEZONES],
    };
  }),
);

const FIRST_NAMES = [
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Carlos',
  'Emily',
  'Noah',
  'Priya',
  'Dmitri',
  'Grace',
  'Kwame',
  'Sofia',
  'Liam',
  'Hana',
  'Mateo',
  'Olivia',
  'Tariq',
  'Ruth',
  'Jin',
  'Fatima',
  'Ezra',
  'Leilani',
];
const LAST_NAMES = [
  'Garcia',
  'Smith',
  'Johnson',
  'Nguyen',
  'Okafor',
  'Patel',
  'Kim',
  'Rossi',
  'Cohen',
  'Brown',
  'Silva',
  'Kowalski',
  'Haddad',
  'Yamamoto',
  'Walker',
  'Lopez',
  'Mensah',
  "O'Brien",
  'Ivanova',
  'Kahale',
];
const GIFT_AMOUNTS = [15, 25, 35, 50, 75, 100, 150, 250, 500];

interface ListSpec {
  readonly listId: string;
  readonly name: string;
  readonly size: number;
  readonly firstContactId: number;
  /** First 4-digit line number; each area code gets consecutive lines from here, so numbers never collide. */
  readonly lineBase: number;
  /** Messy lists carry every data problem; the demo list only one of each. */
  readonly messy: boolean;
  readonly createdAt: string;
}

const LIST_SPECS: readonly ListSpec[] = [
  {
    listId: '101',
    name: 'Spring appeal donors',
    size: 250,
    firstContactId: 10_001,
    lineBase: 100,
    messy: true,
    createdAt: '2026-02-02T15:00:00.000Z',
  },
  {
    listId: '102',
    name: 'Quick demo (20 donors)',
    size: 20,
    firstContactId: 20_001,
    lineBase: 150,
    messy: false,
    createdAt: '2026-02-03T15:00:00.000Z',
  },
  {
    listId: '103',
    name: 'Lapsed donors (100k)',
    size: 100_000,
    firstContactId: 1_000_001,
    lineBase: 2000,
    messy: true,
    createdAt: '2026-01-15T15:00:00.000Z',
  },
];

function areaAt(index: number): Area {
  return AREAS[index % AREAS.length] as Area;
}

/** `lineOffset` moves a portal's lines so two organisations' donors have numbers of their own (wraps at 10,000). */
function cleanPhone(spec: ListSpec, index: number, lineOffset: number): string {
  const line = (spec.lineBase + Math.floor(index / AREAS.length) + lineOffset) % 10_000;
  return `+1${areaAt(index).code}555${String(line).padStart(4, '0')}`;
}

/** How the phone is written in the CRM, with the list's data problems mixed in. */
function phoneFields(
  spec: ListSpec,
  index: number,
  lineOffset: number,
): { phone: string | null; mobilephone: string | null } {
  const e164 = cleanPhone(spec, index, lineOffset);
  const national = `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
  if (spec.messy) {
    if (index % 50 === 13) return { phone: 'call me maybe', mobilephone: null };
    if (index % 50 === 29) return { phone: e164.slice(0, 10), mobilephone: null };
    if (index % 40 === 17) return { phone: null, mobilephone: null };
    if (index % 40 === 23) return { phone: null, mobilephone: e164 };
    if (index % 45 === 44) return { phone: cleanPhone(spec, index - 1, lineOffset), mobilephone: null };
  } else {
    if (index === 7) return { phone: 'call me maybe', mobilephone: null };
    if (index === 12) return { phone: null, mobilephone: null };
  }
  if (index % 7 === 2) return { phone: national, mobilephone: null };
  if (index % 7 === 5) return { phone: national.replace(/[()]/g, '').replace(' ', '-'), mobilephone: null };
  return { phone: e164, mobilephone: null };
}

function makeContact(seed: number, spec: ListSpec, index: number, lineOffset: number): DemoContact {
  const id = String(spec.firstContactId + index);
  const random = randomFor(seed, 'contact', id);
  const area = areaAt(index);
  const firstname = pick(random, FIRST_NAMES);
  const lastname = pick(random, LAST_NAMES);
  const doNotCall = spec.messy ? index % 25 === 8 : index === 3;
  const noConsent = spec.messy ? index % 15 === 6 : index === 5;
  const created = new Date(Date.parse(spec.createdAt) - intBetween(random, 30, 2_000) * 86_400_000);
  const giftDate = new Date(Date.parse(spec.createdAt) - intBetween(random, 20, 900) * 86_400_000);
  const createdAt = created.toISOString();
  return {
    id,
    createdAt,
    properties: {
      hs_object_id: id,
      createdate: createdAt,
      lastmodifieddate: createdAt,
      firstname,
      lastname,
      email: `${firstname}.${lastname}.${id}@example.org`.toLowerCase().replace(/'/g, ''),
      ...phoneFields(spec, index, lineOffset),
      // Some contacts have no time zone set: the service must infer it from the number or the state.
      hs_timezone: index % 10 === 9 ? null : area.timezone,
      state: area.state,
      country: 'United States',
      last_gift_amount: String(pick(random, GIFT_AMOUNTS)),
      last_gift_date: giftDate.toISOString().slice(0, 10),
      fundraising_do_not_call: doNotCall ? 'true' : 'false',
      ai_call_consent: noConsent ? 'false' : 'true',
    },
  };
}

function makeList(spec: ListSpec): DemoList {
  const start = Date.parse(spec.createdAt);
  return {
    listId: spec.listId,
    name: spec.name,
    size: spec.size,
    processingType: 'MANUAL',
    createdAt: spec.createdAt,
    memberAt: (index) => ({
      recordId: String(spec.firstContactId + index),
      membershipTimestamp: new Date(start + index * 1_000).toISOString(),
    }),
  };
}

export function createDemoPortal(
  options: {
    seed?: number;
    portalId?: number;
    name?: string;
    /** Added to every phone's line number (the demo and second portals share numbers; other portals do not). */
    lineOffset?: number;
  } = {},
): DemoPortal {
  const seed = options.seed ?? 1;
  const lineOffset = options.lineOffset ?? 0;
  const portalId = options.portalId ?? DEMO_PORTAL_ID;
  return {
    portalId,
    name: options.name ?? 'Riverside Food Bank (sandbox)',
    // The account's name as HubSpot makes a domain of it: "Lakeside Animal Rescue (sandbox)" → lakeside-animal-rescue.
    domain: `${(options.name ?? 'Riverside Food Bank')
      .replace(/\(sandbox\)/i, '')
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')}.sandbox.example.org`,
    accessToken: sandboxAccessToken(portalId),
    lists: LIST_SPECS.map(makeList),
    contact: (id) => {
      if (!/^\d+$/.test(id)) return undefined;
      const n = Number(id);
      const spec = LIST_SPECS.find((s) => n >= s.firstContactId && n < s.firstContactId + s.size);
      return spec ? makeContact(seed, spec, n - spec.firstContactId, lineOffset) : undefined;
    },
  };
}
