import { describe, expect, it } from 'vitest';
import { localTimesOf } from '../../src/contacts/index.js';

describe('an instant in the contact’s local time', () => {
  it('shows the wall time and offset in each candidate zone', () => {
    expect(localTimesOf(Date.parse('2026-12-02T15:00:00Z'), ['America/Chicago', 'Asia/Kolkata'])).toEqual([
      { timeZone: 'America/Chicago', dateTime: '2026-12-02T09:00', utcOffset: '-06:00' },
      { timeZone: 'Asia/Kolkata', dateTime: '2026-12-02T20:30', utcOffset: '+05:30' },
    ]);
  });

  it('follows daylight saving time: the same zone, an hour apart in summer', () => {
    expect(localTimesOf(Date.parse('2026-07-01T15:00:00Z'), ['America/Chicago'])).toEqual([
      { timeZone: 'America/Chicago', dateTime: '2026-07-01T10:00', utcOffset: '-05:00' },
    ]);
  });

  it('crosses the date line into the next local day', () => {
    expect(localTimesOf(Date.parse('2026-12-01T20:00:00Z'), ['Pacific/Chatham'])).toEqual([
      { timeZone: 'Pacific/Chatham', dateTime: '2026-12-02T09:45', utcOffset: '+13:45' },
    ]);
  });

  it('leaves out a zone name Intl does not know instead of failing, and shows nothing without zones', () => {
    expect(localTimesOf(0, ['Mars/Olympus_Mons', 'UTC'])).toEqual([
      { timeZone: 'UTC', dateTime: '1970-01-01T00:00', utcOffset: '+00:00' },
    ]);
    expect(localTimesOf(0, [])).toEqual([]);
  });
});
