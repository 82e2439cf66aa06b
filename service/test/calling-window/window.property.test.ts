import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CallingWindow, isCallAllowedAt, nextAllowedInstant } from '../../src/calling-window/index.js';
import { oracleAllows, oracleLegalHours, oracleTransitions } from './oracle.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const FROM_2020 = Date.UTC(2020, 0, 1);
const UNTIL_2036 = Date.UTC(2036, 0, 1);

/** Every zone ICU knows, plus current IANA names it only knows as aliases. */
const ALL_ZONES = [
  ...Intl.supportedValuesOf('timeZone'),
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Europe/Kyiv',
  'America/Argentina/Buenos_Aires',
  'America/Nuuk',
];

/** Zones with DST, odd offsets, midnight switches, abolished or reinstated DST, or extreme offsets. */
const AWKWARD_ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
  'America/St_Johns',
  'America/Havana',
  'America/Santiago',
  'America/Asuncion',
  'America/Mexico_City',
  'America/Nuuk',
  'America/Scoresbysund',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Berlin',
  'Africa/Casablanca',
  'Africa/Cairo',
  'Asia/Gaza',
  'Asia/Tehran',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Eucla',
  'Australia/Adelaide',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Antarctica/Troll',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Etc/GMT+12',
];

const US_STATES = [null, null, null, 'FL', 'TX', 'RI', 'AL', 'CA'];

interface Case {
  zones: string[];
  usState: string | null;
  fromMs: number;
  window: CallingWindow;
  horizonDays: number;
  /** Check every minute between fromMs and the answer, not just the minute before it. */
  scan: boolean;
}

let transitions: { zone: string; atMs: number }[] = [];

beforeAll(() => {
  transitions = AWKWARD_ZONES.flatMap((zone) =>
    oracleTransitions(zone, FROM_2020, UNTIL_2036).map((atMs) => ({ zone, atMs })),
  );
});

const dateKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const windowArb = fc
  .record({
    days: fc.subarray([1, 2, 3, 4, 5, 6, 7]),
    hours: fc.oneof(
      // Typical: opens between 07:00 and 12:00, closes between 12:00 and 22:00, on quarter hours.
      fc
        .tuple(fc.integer({ min: 28, max: 48 }), fc.integer({ min: 48, max: 88 }))
        .map(([a, b]) => [a * 15, b * 15]),
      // Anything at all, including windows that end before they start or miss the legal hours.
      fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 })),
    ),
    blackoutOffsets: fc.array(fc.integer({ min: -1, max: 10 }), { maxLength: 4 }),
  })
  .map(({ days, hours, blackoutOffsets }) => ({ days, hours, blackoutOffsets }));

const uniformCase = fc.record({
  zones: fc.oneof(
    { arbitrary: fc.constantFrom(...ALL_ZONES).map((zone) => [zone]), weight: 3 },
    { arbitrary: fc.constantFrom(...AWKWARD_ZONES).map((zone) => [zone]), weight: 3 },
    {
      arbitrary: fc.array(fc.constantFrom(...ALL_ZONES, ...AWKWARD_ZONES), { minLength: 2, maxLength: 3 }),
      weight: 2,
    },
  ),
  fromMs: fc.integer({ min: FROM_2020, max: UNTIL_2036 - 1 }),
});

/** An instant from three days before to a day after one of the awkward zones' offset changes. */
const nearTransitionCase = fc
  .record({
    index: fc.nat(),
    deltaMs: fc.integer({ min: -3 * DAY, max: DAY }),
    others: fc.array(fc.constantFrom(...ALL_ZONES), { maxLength: 2 }),
  })
  .map(({ index, deltaMs, others }) => {
    const transition = transitions[index % transitions.length]!;
    return { zones: [transition.zone, ...others], fromMs: transition.atMs + deltaMs };
  });

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    where: fc.oneof(uniformCase, nearTransitionCase),
    minuteAligned: fc.boolean(),
    window: windowArb,
    usState: fc.constantFrom(...US_STATES),
    longHorizon: fc.integer({ min: 0, max: 3 }),
    scanDie: fc.integer({ min: 0, max: 49 }),
  })
  .map(({ where, minuteAligned, window, usState, longHorizon, scanDie }) => {
    const fromMs = minuteAligned ? Math.floor(where.fromMs / MINUTE) * MINUTE : where.fromMs;
    const single = where.zones.length === 1;
    return {
      zones: where.zones,
      usState,
      fromMs,
      window: {
        days: window.days,
        startMinute: window.hours[0]!,
        endMinute: window.hours[1]!,
        blackoutDates: window.blackoutOffsets.map((days) => dateKey(fromMs + days * DAY)),
      },
      // Zones whose windows never meet are searched to the horizon; keep most multi-zone searches short.
      horizonDays: single || longHorizon === 0 ? 400 : [2, 7, 30][longHorizon - 1]!,
      scan: scanDie === 0,
    };
  });

/** Whether any weekday has legal calling time inside the window, for this state. */
function windowCanEverOpen(window: CallingWindow, usState: string | null): boolean {
  return window.days.some((weekday) => {
    const legal = oracleLegalHours(usState, weekday);
    return legal !== null && Math.min(window.endMinute, legal[1]) > Math.max(window.startMinute, legal[0]);
  });
}

function describeCase(c: Case): string {
  return JSON.stringify({ ...c, from: new Date(c.fromMs).toISOString() });
}

/** No allowed minute in [fromMs, untilMs), by the oracle (allowed time always starts on a whole minute). */
function expectNothingAllowedBetween(c: Case, untilMs: number): void {
  if (untilMs > c.fromMs)
    expect(oracleAllows(c.fromMs, c.zones, c.usState, c.window), describeCase(c)).toBe(false);
  for (let t = Math.ceil(c.fromMs / MINUTE) * MINUTE; t < untilMs; t += MINUTE) {
    if (oracleAllows(t, c.zones, c.usState, c.window)) {
      expect.fail(`allowed at ${new Date(t).toISOString()} before the answer: ${describeCase(c)}`);
    }
  }
}

function checkCase(c: Case): void {
  const contact = { zones: c.zones, usState: c.usState };
  const answer = nextAllowedInstant(c.fromMs, contact, c.window, c.horizonDays);
  const horizonEnd = c.fromMs + c.horizonDays * DAY;

  if (answer === null) {
    if (c.zones.length === 1 && c.horizonDays >= 400) {
      expect(windowCanEverOpen(c.window, c.usState), `no answer for an open window: ${describeCase(c)}`).toBe(
        false,
      );
    }
    if (c.scan) expectNothingAllowedBetween(c, Math.min(horizonEnd, c.fromMs + 2 * DAY));
    return;
  }

  // Never outside the window or the legal hours in any candidate zone.
  expect(answer, describeCase(c)).toBeGreaterThanOrEqual(c.fromMs);
  expect(answer, describeCase(c)).toBeLessThan(horizonEnd);
  expect(oracleAllows(answer, c.zones, c.usState, c.window), `answer refused: ${describeCase(c)}`).toBe(true);
  expect(isCallAllowedAt(answer, contact, c.window)).toBe(true);

  // The earliest: the instant just before it is refused.
  if (answer > c.fromMs) {
    expect(oracleAllows(answer - 1, c.zones, c.usState, c.window), `not minimal: ${describeCase(c)}`).toBe(
      false,
    );
    if (answer - MINUTE >= c.fromMs) {
      expect(
        oracleAllows(answer - MINUTE, c.zones, c.usState, c.window),
        `not minimal: ${describeCase(c)}`,
      ).toBe(false);
    }
    if (c.scan && answer - c.fromMs < 2 * DAY) expectNothingAllowedBetween(c, answer);
  }
}

describe('nextAllowedInstant, property-tested against an independent oracle', () => {
  it('never yields a dial time outside the window or the legal hours in any candidate zone, and yields the earliest', () => {
    fc.assert(
      fc.property(caseArb, (c) => checkCase(c)),
      { numRuns: 10_000 },
    );
  }, 60_000);

  it('agrees with the oracle on whether any given instant is allowed', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const contact = { zones: c.zones, usState: c.usState };
        expect(isCallAllowedAt(c.fromMs, contact, c.window), describeCase(c)).toBe(
          oracleAllows(c.fromMs, c.zones, c.usState, c.window),
        );
      }),
      { numRuns: 10_000 },
    );
  }, 60_000);
});
