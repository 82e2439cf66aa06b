import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localParts, zonedToUtc } from '../../src/calling-window/index.js';

const ms = (iso: string): number => Date.parse(iso);
const iso = (value: number): string => new Date(value).toISOString();

describe('localParts', () => {
  it('gives the local date, ISO weekday and minute of day', () => {
    // 2025-01-06T04:30Z is Sunday 23:30 in New York (EST) and Monday 10:00 in Kolkata (+05:30).
    expect(localParts(ms('2025-01-06T04:30:00Z'), 'America/New_York')).toEqual({
      year: 2025,
      month: 1,
      day: 5,
      weekday: 7,
      minuteOfDay: 23 * 60 + 30,
      dateKey: '2025-01-05',
    });
    expect(localParts(ms('2025-01-06T04:30:00Z'), 'Asia/Kolkata')).toMatchObject({
      weekday: 1,
      minuteOfDay: 600,
      dateKey: '2025-01-06',
    });
  });

  it('follows the clock across a DST change', () => {
    // New York springs forward at 07:00Z on 2025-03-09: 01:59 EST, then 03:00 EDT.
    expect(localParts(ms('2025-03-09T06:59:00Z'), 'America/New_York').minuteOfDay).toBe(60 + 59);
    expect(localParts(ms('2025-03-09T07:00:00Z'), 'America/New_York').minuteOfDay).toBe(180);
  });

  it('handles a 45-minute offset and dates across the date line', () => {
    expect(localParts(ms('2025-01-06T18:15:00Z'), 'Pacific/Chatham')).toMatchObject({
      dateKey: '2025-01-07',
      minuteOfDay: 8 * 60,
      weekday: 2,
    });
    expect(localParts(ms('2025-01-06T10:00:00Z'), 'Pacific/Pago_Pago')).toMatchObject({
      dateKey: '2025-01-05',
      minuteOfDay: 23 * 60,
    });
  });
});

describe('zonedToUtc', () => {
  it('converts an ordinary wall time', () => {
    expect(iso(zonedToUtc('2025-01-06', 8 * 60, 'America/New_York'))).toBe('2025-01-06T13:00:00.000Z');
    expect(iso(zonedToUtc('2025-01-06', 8 * 60, 'Asia/Kathmandu'))).toBe('2025-01-06T02:15:00.000Z');
    expect(iso(zonedToUtc('2025-01-06', 8 * 60, 'Australia/Eucla'))).toBe('2025-01-05T23:15:00.000Z');
  });

  it.each([
    ['America/New_York', '2025-03-09', 150, '2025-03-09T07:00:00.000Z', '02:30 does not exist; 03:00 EDT'],
    ['Europe/London', '2025-03-30', 90, '2025-03-30T01:00:00.000Z', '01:30 does not exist; 02:00 BST'],
    ['Australia/Lord_Howe', '2025-10-05', 135, '2025-10-04T15:30:00.000Z', '02:15 does not exist; 02:30 +11'],
    ['America/Havana', '2025-03-09', 0, '2025-03-09T05:00:00.000Z', 'midnight does not exist; 01:00 CDT'],
    ['America/Santiago', '2025-09-07', 30, '2025-09-07T04:00:00.000Z', '00:30 does not exist; 01:00 −03'],
  ])(
    'maps a wall time in the %s spring gap to the first instant after it (%s %d)',
    (zone, date, minute, expected) => {
      expect(iso(zonedToUtc(date, minute, zone))).toBe(expected);
    },
  );

  it.each([
    ['America/New_York', '2025-11-02', 90, '2025-11-02T05:30:00.000Z', '01:30 EDT, not 01:30 EST'],
    ['Europe/London', '2025-10-26', 90, '2025-10-26T00:30:00.000Z', '01:30 BST, not 01:30 GMT'],
    ['Australia/Lord_Howe', '2025-04-06', 105, '2025-04-05T14:45:00.000Z', '01:45 at +11, not at +10:30'],
    ['America/Santiago', '2025-04-05', 23 * 60 + 30, '2025-04-06T02:30:00.000Z', '23:30 at −03, not at −04'],
  ])(
    'maps a wall time in the %s autumn overlap to the earlier instant (%s %d)',
    (zone, date, minute, expected) => {
      expect(iso(zonedToUtc(date, minute, zone))).toBe(expected);
    },
  );

  it('round-trips with localParts for every minute of a DST day, except inside the gap', () => {
    const zone = 'America/New_York';
    for (let minute = 0; minute < 1440; minute += 1) {
      const parts = localParts(zonedToUtc('2025-03-09', minute, zone), zone);
      if (minute >= 120 && minute < 180) expect(parts.minuteOfDay).toBe(180);
      else expect(parts).toMatchObject({ dateKey: '2025-03-09', minuteOfDay: minute });
    }
  });

  it('rejects a date that does not exist', () => {
    expect(() => zonedToUtc('2025-02-30', 0, 'UTC')).toThrow(RangeError);
  });
});

describe('isValidTimeZone', () => {
  it.each(['America/New_York', 'america/new_york', 'US/Eastern', 'Asia/Kolkata', 'UTC', 'Etc/GMT+5'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each(['Etc/Unknown', 'Mars/Olympus_Mons', '', '+05:30', '-08:00', 'America/New York'])(
    'rejects "%s"',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(false);
    },
  );
});
