import { describe, expect, it } from 'vitest';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import {
  type CallNowFacts,
  callNowVerdict,
  nextDayStart,
} from '../../src/campaigns/call-now/call-now-rules.js';

const HOUR = 3_600_000;
/** Tuesday 2026-12-01 in New York (UTC-5): 15:00 is TUESDAY_AFTERNOON_NY. */
const ny = (day: number, hour: number, minute = 0) => Date.UTC(2026, 11, day, hour + 5, minute);

function facts(
  overrides: Partial<Omit<CallNowFacts, 'campaign' | 'contact'>> & {
    campaign?: Partial<CallNowFacts['campaign']>;
    contact?: Partial<CallNowFacts['contact']>;
  } = {},
): CallNowFacts {
  const { campaign, contact, ...rest } = overrides;
  return {
    nowMs: TUESDAY_AFTERNOON_NY,
    campaign: {
      status: 'active',
      startsAtMs: Date.parse('2026-01-01T00:00:00Z'),
      window: { days: [1, 2, 3, 4, 5, 6, 7], startMinute: 9 * 60, endMinute: 20 * 60, blackoutDates: [] },
      defaultTimeZone: 'America/New_York',
      concurrencyCap: 5,
      dailyCap: 100,
      inFlight: 0,
      dialledToday: 0,
      ...campaign,
    },
    contact: { skipReason: null, zones: ['America/New_York'], usState: 'NY', ...contact },
    suppressed: false,
    numberTakenInCampaign: false,
    inCall: false,
    dialsLast24h: 0,
    oldestDialLast24hMs: null,
    frequencyCapPer24h: 3,
    accountInFlight: 0,
    accountConcurrencyCap: 20,
    ...rest,
  };
}

const refusal = (f: CallNowFacts) => {
  const verdict = callNowVerdict(f);
  if (verdict.allowed) return 'allowed';
  return {
    rule: verdict.rule,
    next: verdict.nextAllowedAtMs === null ? null : new Date(verdict.nextAllowedAtMs).toISOString(),
  };
};

describe('call this contact now: the dispatcher’s rules', () => {
  it('allows a callable contact inside its window with free slots', () => {
    expect(callNowVerdict(facts())).toEqual({ allowed: true });
  });

  it('refuses outside the calling window and says when it opens in the contact’s zone', () => {
    expect(refusal(facts({ nowMs: ny(1, 3) }))).toEqual({
      rule: 'outside_window',
      next: new Date(ny(1, 9)).toISOString(),
    });
    // Los Angeles is three hours behind: 15:00 in New York is 12:00 there, but 22:00 New York is 19:00 there.
    const la = { zones: ['America/Los_Angeles'], usState: 'CA' };
    expect(callNowVerdict(facts({ nowMs: ny(1, 22), contact: la }))).toEqual({ allowed: true });
    expect(refusal(facts({ nowMs: ny(1, 23, 30), contact: la }))).toEqual({
      rule: 'outside_window',
      next: new Date(ny(2, 12)).toISOString(),
    });
  });

  it('refuses a contact the campaign would skip, with no time to wait for', () => {
    const cases = [
      ['no_phone', 'no_phone'],
      ['invalid_phone', 'no_phone'],
      ['suppressed', 'do_not_call'],
      ['no_consent', 'no_consent'],
      ['no_time_zone', 'no_time_zone'],
    ] as const;
    for (const [skipReason, rule] of cases) {
      expect(refusal(facts({ contact: { skipReason } }))).toEqual({ rule, next: null });
    }
    expect(refusal(facts({ suppressed: true }))).toEqual({ rule: 'do_not_call', next: null });
    expect(refusal(facts({ numberTakenInCampaign: true }))).toEqual({ rule: 'duplicate_phone', next: null });
  });

  it('puts do-not-call before the window: a suppressed contact is never "allowed at 09:00"', () => {
    expect(refusal(facts({ nowMs: ny(1, 3), suppressed: true }))).toEqual({
      rule: 'do_not_call',
      next: null,
    });
  });

  it('refuses a campaign that is not calling, or has not started, and says when it starts', () => {
    expect(refusal(facts({ campaign: { status: 'paused' } }))).toEqual({
      rule: 'campaign_not_active',
      next: null,
    });
    expect(refusal(facts({ campaign: { startsAtMs: ny(3, 6) } }))).toEqual({
      rule: 'campaign_not_active',
      next: new Date(ny(3, 9)).toISOString(),
    });
  });

  it('refuses a number already in a call', () => {
    expect(refusal(facts({ inCall: true }))).toEqual({ rule: 'in_call', next: null });
  });

  it('refuses past the frequency cap until the oldest dial is 24 hours old, snapped into the window', () => {
    const oldest = TUESDAY_AFTERNOON_NY - 2 * HOUR;
    expect(refusal(facts({ dialsLast24h: 3, oldestDialLast24hMs: oldest }))).toEqual({
      rule: 'frequency_cap',
      next: new Date(oldest + 24 * HOUR).toISOString(),
    });
    const late = ny(0, 19); // Monday 19:00: freed Tuesday 19:00, after a 17:00 close
    expect(
      refusal(
        facts({
          dialsLast24h: 3,
          oldestDialLast24hMs: late,
          campaign: {
            window: { days: [1, 2, 3, 4, 5, 6, 7], startMinute: 540, endMinute: 1020, blackoutDates: [] },
          },
        }),
      ),
    ).toEqual({ rule: 'frequency_cap', next: new Date(ny(2, 9)).toISOString() });
    expect(callNowVerdict(facts({ dialsLast24h: 2, oldestDialLast24hMs: oldest }))).toEqual({
      allowed: true,
    });
  });

  it('refuses at the campaign’s or the account’s concurrency cap (free when a call ends: no time)', () => {
    expect(refusal(facts({ campaign: { inFlight: 5 } }))).toEqual({ rule: 'concurrency', next: null });
    expect(refusal(facts({ accountInFlight: 20 }))).toEqual({ rule: 'concurrency', next: null });
  });

  it('refuses past the daily cap until the next day of the campaign’s zone opens in the contact’s window', () => {
    expect(refusal(facts({ campaign: { dialledToday: 100 } }))).toEqual({
      rule: 'daily_cap',
      next: new Date(ny(2, 9)).toISOString(),
    });
    expect(new Date(nextDayStart(TUESDAY_AFTERNOON_NY, null)).toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(new Date(nextDayStart(TUESDAY_AFTERNOON_NY, 'America/New_York')).toISOString()).toBe(
      '2026-12-02T05:00:00.000Z',
    );
  });
});
