import { describe, expect, it } from 'vitest';
import {
  legalWindowFor,
  legalWindowOn,
  normalizeUsState,
  statesWithStricterHours,
} from '../../src/calling-window/index.js';

const HH = (hour: number): number => hour * 60;

describe('legalWindowFor', () => {
  it('allows 08:00–21:00 when the state is unknown', () => {
    expect(legalWindowFor(null)).toEqual({ startMinute: HH(8), endMinute: HH(21) });
  });

  it('allows 08:00–21:00 in a state without stricter hours', () => {
    expect(legalWindowFor('CA')).toEqual({ startMinute: HH(8), endMinute: HH(21) });
    expect(legalWindowFor('NY')).toEqual({ startMinute: HH(8), endMinute: HH(21) });
  });

  it.each(['FL', 'MD', 'OK', 'WA'])('ends at 20:00 in %s', (state) => {
    expect(legalWindowFor(state)).toEqual({ startMinute: HH(8), endMinute: HH(20) });
  });

  it('starts at 09:00 and ends at 20:00 in Connecticut', () => {
    expect(legalWindowFor('CT')).toEqual({ startMinute: HH(9), endMinute: HH(20) });
  });

  it('accepts a lower-case code', () => {
    expect(legalWindowFor('fl')).toEqual({ startMinute: HH(8), endMinute: HH(20) });
  });

  it('never allows more than the federal 08:00–21:00 in any state', () => {
    for (const state of statesWithStricterHours()) {
      for (let weekday = 1; weekday <= 7; weekday++) {
        const window = legalWindowOn(state, weekday);
        if (window.endMinute > window.startMinute) {
          expect(window.startMinute).toBeGreaterThanOrEqual(HH(8));
          expect(window.endMinute).toBeLessThanOrEqual(HH(21));
        }
      }
    }
  });
});

describe('legalWindowOn', () => {
  it('allows no calls on Sundays in Alabama, Louisiana, Mississippi and Rhode Island', () => {
    for (const state of ['AL', 'LA', 'MS', 'RI']) {
      const sunday = legalWindowOn(state, 7);
      expect(sunday.endMinute).toBeLessThanOrEqual(sunday.startMinute);
    }
  });

  it('opens at noon on Sundays in Texas and at 09:00 on other days', () => {
    expect(legalWindowOn('TX', 7)).toEqual({ startMinute: HH(12), endMinute: HH(21) });
    expect(legalWindowOn('TX', 6)).toEqual({ startMinute: HH(9), endMinute: HH(21) });
  });

  it('has shorter Saturday hours in Rhode Island', () => {
    expect(legalWindowOn('RI', 1)).toEqual({ startMinute: HH(9), endMinute: HH(18) });
    expect(legalWindowOn('RI', 6)).toEqual({ startMinute: HH(10), endMinute: HH(17) });
  });

  it('is the federal window every day where no state rule applies', () => {
    for (let weekday = 1; weekday <= 7; weekday++) {
      expect(legalWindowOn(null, weekday)).toEqual({ startMinute: HH(8), endMinute: HH(21) });
    }
  });
});

describe('normalizeUsState', () => {
  it.each([
    ['FL', 'FL'],
    ['fl', 'FL'],
    [' Fl ', 'FL'],
    ['Florida', 'FL'],
    ['new york', 'NY'],
    ['NEW   YORK', 'NY'],
    ['US-TX', 'TX'],
    ['District of Columbia', 'DC'],
    ['Puerto Rico', 'PR'],
  ])('reads %j as %s', (value, expected) => {
    expect(normalizeUsState(value)).toBe(expected);
  });

  it.each([null, undefined, '', 'XX', 'Ontario', 'F', 'Floridaa', 'ON'])('returns null for %j', (value) => {
    expect(normalizeUsState(value)).toBeNull();
  });
});
