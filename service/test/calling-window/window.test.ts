import { describe, expect, it } from 'vitest';
import {
  type CallingWindow,
  type ContactZoneInfo,
  isCallAllowedAt,
  nextAllowedInstant,
  snapToWindow,
  validateWindow,
} from '../../src/calling-window/index.js';

// Expected instants are written out in UTC, with the local time they stand for, so that no test depends on the
// code under test to compute them.

const ms = (iso: string): number => Date.parse(iso);
const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());
const HH = (hour: number, minute = 0): number => hour * 60 + minute;

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];

function window(overrides: Partial<CallingWindow> = {}): CallingWindow {
  return { days: EVERY_DAY, startMinute: HH(7), endMinute: HH(22), blackoutDates: [], ...overrides };
}

function contact(zones: string[], usState: string | null = null): ContactZoneInfo {
  return { zones, usState };
}

const NEW_YORK = contact(['America/New_York']);

describe('the legal guard', () => {
  it('does not dial before 08:00 in the contact’s time zone, even when the window opens at 07:00', () => {
    // Monday 2025-01-06, EST (UTC−5): 07:00 local = 12:00Z, 08:00 local = 13:00Z.
    expect(isCallAllowedAt(ms('2025-01-06T12:59:59.999Z'), NEW_YORK, window())).toBe(false);
    expect(iso(nextAllowedInstant(ms('2025-01-06T12:00:00Z'), NEW_YORK, window()))).toBe(
      '2025-01-06T13:00:00.000Z',
    );
  });

  it('stops at 21:00 local even when the window runs to 22:00', () => {
    expect(isCallAllowedAt(ms('2025-01-07T01:59:00Z'), NEW_YORK, window())).toBe(true); // 20:59 EST
    expect(isCallAllowedAt(ms('2025-01-07T02:00:00Z'), NEW_YORK, window())).toBe(false); // 21:00 EST
    expect(iso(nextAllowedInstant(ms('2025-01-07T02:00:00Z'), NEW_YORK, window()))).toBe(
      '2025-01-07T13:00:00.000Z',
    );
  });

  it.each([
    ['FL', 'Florida Telephone Solicitation Act'],
    ['Florida', 'a full state name'],
    ['md', 'a lower-case code'],
    ['OK', 'Oklahoma'],
    ['WA', 'Washington'],
  ])('ends at 20:00 for a contact in %s (%s)', (usState) => {
    const who = contact(['America/New_York'], usState);
    expect(isCallAllowedAt(ms('2025-01-07T00:59:00Z'), who, window())).toBe(true); // Monday 19:59 EST
    expect(isCallAllowedAt(ms('2025-01-07T01:00:00Z'), who, window())).toBe(false); // 20:00 EST
    expect(iso(nextAllowedInstant(ms('2025-01-07T01:00:00Z'), who, window()))).toBe(
      '2025-01-07T13:00:00.000Z',
    );
  });

  it('waits until noon on a Sunday in Texas', () => {
    const texan = contact(['America/Chicago'], 'TX');
    // Sunday 2025-01-12, CST (UTC−6): 09:00 = 15:00Z, 12:00 = 18:00Z.
    expect(isCallAllowedAt(ms('2025-01-12T15:00:00Z'), texan, window())).toBe(false);
    expect(iso(nextAllowedInstant(ms('2025-01-12T15:00:00Z'), texan, window()))).toBe(
      '2025-01-12T18:00:00.000Z',
    );
    // Saturday 09:00 is fine, 08:30 is not.
    expect(isCallAllowedAt(ms('2025-01-11T15:00:00Z'), texan, window())).toBe(true);
    expect(isCallAllowedAt(ms('2025-01-11T14:30:00Z'), texan, window())).toBe(false);
  });

  it('skips Sunday altogether in Rhode Island and opens at 09:00 on Monday', () => {
    const rhodeIslander = contact(['America/New_York'], 'RI');
    // Sunday 2025-01-12 12:00 EST = 17:00Z; Monday 09:00 EST = 14:00Z.
    expect(iso(nextAllowedInstant(ms('2025-01-12T17:00:00Z'), rhodeIslander, window()))).toBe(
      '2025-01-13T14:00:00.000Z',
    );
  });

  it('never finds a time for a window that lies outside the legal hours', () => {
    const from = ms('2025-01-06T12:00:00Z');
    expect(nextAllowedInstant(from, NEW_YORK, window({ startMinute: HH(21), endMinute: HH(23) }))).toBeNull();
    expect(nextAllowedInstant(from, NEW_YORK, window({ startMinute: HH(6), endMinute: HH(8) }))).toBeNull();
    const floridian = contact(['America/New_York'], 'FL');
    expect(
      nextAllowedInstant(from, floridian, window({ startMinute: HH(20), endMinute: HH(21) })),
    ).toBeNull();
  });
});

describe('the campaign window', () => {
  const nineToFive = window({ days: WEEKDAYS, startMinute: HH(9, 30), endMinute: HH(17) });

  it('waits for the window to open', () => {
    // Monday 05:00 EST → 09:30 EST = 14:30Z.
    expect(iso(nextAllowedInstant(ms('2025-01-06T10:00:00Z'), NEW_YORK, nineToFive))).toBe(
      '2025-01-06T14:30:00.000Z',
    );
  });

  it('treats the end as exclusive and moves to the next day', () => {
    expect(isCallAllowedAt(ms('2025-01-06T21:59:00Z'), NEW_YORK, nineToFive)).toBe(true); // 16:59
    expect(iso(nextAllowedInstant(ms('2025-01-06T22:00:00Z'), NEW_YORK, nineToFive))).toBe(
      '2025-01-07T14:30:00.000Z',
    );
  });

  it('returns the requested instant itself, to the millisecond, when it is allowed', () => {
    const from = ms('2025-01-06T15:12:34.567Z');
    expect(nextAllowedInstant(from, NEW_YORK, nineToFive)).toBe(from);
    expect(snapToWindow(from, NEW_YORK, nineToFive)).toBe(from);
  });

  it('skips days that are not calling days', () => {
    // Friday 17:00 EST → Monday 09:30 EST.
    expect(iso(nextAllowedInstant(ms('2025-01-10T22:00:00Z'), NEW_YORK, nineToFive))).toBe(
      '2025-01-13T14:30:00.000Z',
    );
    expect(isCallAllowedAt(ms('2025-01-11T16:00:00Z'), NEW_YORK, nineToFive)).toBe(false); // Saturday 11:00
  });

  it('skips blackout dates', () => {
    const holiday = { ...nineToFive, blackoutDates: ['2025-01-06', '2025-01-07'] };
    expect(iso(nextAllowedInstant(ms('2025-01-06T10:00:00Z'), NEW_YORK, holiday))).toBe(
      '2025-01-08T14:30:00.000Z',
    );
  });

  it('reads blackout dates in the contact’s local calendar, not UTC', () => {
    const tokyo = contact(['Asia/Tokyo']);
    const holiday = window({ blackoutDates: ['2025-01-07'] });
    // 2025-01-06T23:30Z is 08:30 on the 7th in Tokyo (UTC+9): a blackout date there though still the 6th in UTC.
    expect(isCallAllowedAt(ms('2025-01-06T23:30:00Z'), tokyo, holiday)).toBe(false);
    // The next opening is 08:00 on the 8th in Tokyo = 2025-01-07T23:00Z.
    expect(iso(nextAllowedInstant(ms('2025-01-06T23:30:00Z'), tokyo, holiday))).toBe(
      '2025-01-07T23:00:00.000Z',
    );
  });

  it('never finds a time when no day is a calling day', () => {
    expect(nextAllowedInstant(ms('2025-01-06T15:00:00Z'), NEW_YORK, window({ days: [] }))).toBeNull();
    expect(isCallAllowedAt(ms('2025-01-06T15:00:00Z'), NEW_YORK, window({ days: [] }))).toBe(false);
  });

  it('gives up at the horizon', () => {
    const mondays = window({ days: [1], startMinute: HH(9), endMinute: HH(17) });
    const tuesday = ms('2025-01-07T15:00:00Z');
    expect(nextAllowedInstant(tuesday, NEW_YORK, mondays, 3)).toBeNull();
    expect(iso(nextAllowedInstant(tuesday, NEW_YORK, mondays, 7))).toBe('2025-01-13T14:00:00.000Z');
  });
});

describe('uncertain zones (fail closed)', () => {
  it('refuses everything when there is no candidate zone', () => {
    expect(isCallAllowedAt(ms('2025-01-06T17:00:00Z'), contact([]), window())).toBe(false);
    expect(nextAllowedInstant(ms('2025-01-06T17:00:00Z'), contact([]), window())).toBeNull();
  });

  it('refuses a zone Intl does not know', () => {
    const unknown = contact(['America/New_York', 'Etc/Unknown']);
    expect(isCallAllowedAt(ms('2025-01-06T17:00:00Z'), unknown, window())).toBe(false);
    expect(nextAllowedInstant(ms('2025-01-06T17:00:00Z'), unknown, window())).toBeNull();
  });

  it('allows only 11:00–21:00 Eastern for a number that may be in New York or Los Angeles', () => {
    const either = contact(['America/New_York', 'America/Los_Angeles']);
    // Monday 08:00 EST (05:00 PST) → 11:00 EST = 08:00 PST = 16:00Z.
    expect(iso(nextAllowedInstant(ms('2025-01-06T13:00:00Z'), either, window()))).toBe(
      '2025-01-06T16:00:00.000Z',
    );
    expect(isCallAllowedAt(ms('2025-01-07T01:59:00Z'), either, window())).toBe(true); // 20:59 EST, 17:59 PST
    expect(isCallAllowedAt(ms('2025-01-07T02:00:00Z'), either, window())).toBe(false); // 21:00 EST
  });

  it('respects Hawaii (no DST) and Los Angeles on both sides of the mainland’s March change', () => {
    const either = contact(['Pacific/Honolulu', 'America/Los_Angeles']);
    // Before 2025-03-09: LA is UTC−8, so 20:30 PST (18:30 HST) is allowed.
    expect(isCallAllowedAt(ms('2025-03-08T04:30:00Z'), either, window())).toBe(true);
    // After: LA is UTC−7; the same UTC time is 21:30 PDT, refused; next is 08:00 HST = 11:00 PDT = 18:00Z.
    expect(isCallAllowedAt(ms('2025-03-11T04:30:00Z'), either, window())).toBe(false);
    expect(iso(nextAllowedInstant(ms('2025-03-11T04:30:00Z'), either, window()))).toBe(
      '2025-03-11T18:00:00.000Z',
    );
    // The last minute is 20:59 PDT = 03:59Z (17:59 HST).
    expect(isCallAllowedAt(ms('2025-03-11T03:59:00Z'), either, window())).toBe(true);
    expect(isCallAllowedAt(ms('2025-03-11T04:00:00Z'), either, window())).toBe(false);
  });

  it('respects Hawaii and Los Angeles on both sides of the November change', () => {
    const either = contact(['Pacific/Honolulu', 'America/Los_Angeles']);
    // 2025-10-31T04:30Z is 21:30 PDT: refused. 2025-11-04T04:30Z is 20:30 PST: allowed.
    expect(isCallAllowedAt(ms('2025-10-31T04:30:00Z'), either, window())).toBe(false);
    expect(isCallAllowedAt(ms('2025-11-04T04:30:00Z'), either, window())).toBe(true);
    expect(iso(nextAllowedInstant(ms('2025-10-31T04:30:00Z'), either, window()))).toBe(
      '2025-10-31T18:00:00.000Z',
    );
  });

  it('never finds a time for zones whose windows never overlap', () => {
    const farApart = contact(['Asia/Tokyo', 'America/New_York']);
    const mornings = window({ startMinute: HH(9), endMinute: HH(12) });
    expect(nextAllowedInstant(ms('2025-01-06T00:00:00Z'), farApart, mornings)).toBeNull();
  });
});

describe('DST transitions and unusual offsets', () => {
  it.each([
    // [zone, from, expected, what]
    ['America/New_York', '2025-03-09T06:00:00Z', '2025-03-09T12:00:00.000Z', 'spring-forward day: 08:00 EDT'],
    [
      'America/New_York',
      '2025-03-08T14:00:00Z',
      '2025-03-08T14:00:00.000Z',
      'the day before: 09:00 EST, allowed',
    ],
    ['America/New_York', '2025-11-02T04:00:00Z', '2025-11-02T13:00:00.000Z', 'fall-back day: 08:00 EST'],
    ['America/New_York', '2025-11-01T02:00:00Z', '2025-11-01T12:00:00.000Z', 'the day before: 08:00 EDT'],
    ['Europe/London', '2025-03-30T00:00:00Z', '2025-03-30T07:00:00.000Z', 'spring-forward day: 08:00 BST'],
    ['Europe/London', '2025-10-25T20:30:00Z', '2025-10-26T08:00:00.000Z', 'fall-back day: 08:00 GMT'],
    ['Asia/Kolkata', '2025-01-06T00:00:00Z', '2025-01-06T02:30:00.000Z', '08:00 IST (UTC+05:30)'],
    ['Asia/Kathmandu', '2025-01-06T00:00:00Z', '2025-01-06T02:15:00.000Z', '08:00 NPT (UTC+05:45)'],
    ['Australia/Eucla', '2025-01-05T13:00:00Z', '2025-01-05T23:15:00.000Z', '08:00 at UTC+08:45'],
    ['Pacific/Chatham', '2025-01-06T08:00:00Z', '2025-01-06T18:15:00.000Z', '08:00 at UTC+13:45 (DST)'],
    ['Pacific/Chatham', '2025-07-06T09:00:00Z', '2025-07-06T19:15:00.000Z', '08:00 at UTC+12:45'],
    ['Australia/Lord_Howe', '2025-04-04T12:00:00Z', '2025-04-04T21:00:00.000Z', 'Apr 5, 08:00 at UTC+11'],
    [
      'Australia/Lord_Howe',
      '2025-04-05T12:00:00Z',
      '2025-04-05T21:30:00.000Z',
      'Apr 6 after DST ends: UTC+10:30',
    ],
    [
      'Australia/Lord_Howe',
      '2025-10-04T12:00:00Z',
      '2025-10-04T21:00:00.000Z',
      'Oct 5 after DST starts: UTC+11',
    ],
    [
      'America/Havana',
      '2025-03-09T04:00:00Z',
      '2025-03-09T12:00:00.000Z',
      'DST starts at midnight: 08:00 CDT',
    ],
    ['America/Havana', '2025-11-02T03:00:00Z', '2025-11-02T13:00:00.000Z', 'DST ends: 08:00 CST'],
    ['America/Santiago', '2025-09-07T03:00:00Z', '2025-09-07T11:00:00.000Z', 'DST starts at midnight: UTC−3'],
    ['America/Santiago', '2025-04-06T02:00:00Z', '2025-04-06T12:00:00.000Z', 'DST ends at midnight: UTC−4'],
  ])('%s from %s opens at %s (%s)', (zone, from, expected) => {
    expect(iso(nextAllowedInstant(ms(from), contact([zone]), window()))).toBe(expected);
  });

  it('ends at 21:00 local on a half-hour offset', () => {
    const kolkata = contact(['Asia/Kolkata']);
    expect(isCallAllowedAt(ms('2025-01-06T15:29:00Z'), kolkata, window())).toBe(true); // 20:59 IST
    expect(isCallAllowedAt(ms('2025-01-06T15:30:00Z'), kolkata, window())).toBe(false); // 21:00 IST
  });
});

describe('validateWindow', () => {
  it('finds nothing wrong with a usable window', () => {
    expect(validateWindow(window({ days: WEEKDAYS, startMinute: HH(9), endMinute: HH(20) }))).toEqual([]);
    expect(
      validateWindow(window({ startMinute: 0, endMinute: 1440, blackoutDates: ['2024-02-29'] })),
    ).toEqual([]);
  });

  it.each<[string, Partial<CallingWindow>, string]>([
    ['no calling day', { days: [] }, 'days'],
    ['a weekday out of range', { days: [0, 1, 8] }, 'days'],
    ['a fractional weekday', { days: [1.5] }, 'days'],
    ['a repeated weekday', { days: [1, 1] }, 'days'],
    ['a start after the end', { startMinute: HH(18), endMinute: HH(9) }, 'endMinute'],
    ['a start equal to the end', { startMinute: HH(9), endMinute: HH(9) }, 'endMinute'],
    ['a negative start', { startMinute: -1 }, 'startMinute'],
    ['a start at 24:00', { startMinute: 1440, endMinute: 1440 }, 'startMinute'],
    ['an end past 24:00', { endMinute: 1441 }, 'endMinute'],
    ['a fractional minute', { startMinute: 540.5 }, 'startMinute'],
    ['a window entirely outside 08:00–21:00', { startMinute: HH(21), endMinute: HH(23) }, 'startMinute'],
    ['a malformed blackout date', { blackoutDates: ['2025-1-6'] }, 'blackoutDates'],
    ['a blackout date that does not exist', { blackoutDates: ['2025-02-29'] }, 'blackoutDates'],
  ])('reports %s', (_what, overrides, field) => {
    const problems = validateWindow(window(overrides));
    expect(problems.map((problem) => problem.field)).toContain(field);
    for (const problem of problems) expect(problem.message).not.toBe('');
  });
});
