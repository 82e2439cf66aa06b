import { describe, expect, it } from 'vitest';
import {
  isCollected,
  isYes,
  parseAmount,
  parseCallbackTime,
} from '../../../src/outcomes/classification-values.js';

describe('parseAmount', () => {
  it.each([
    [75, 75],
    [75.5, 75.5],
    [0, 0],
    ['75', 75],
    ['$75.00', 75],
    ['75 dollars', 75],
    ['USD 1,250', 1250],
    ['$1,250.50', 1250.5],
    ['€40', 40],
    ['$20 a month', 20],
    ['  100  ', 100],
  ])('reads %j as %j', (value, expected) => {
    expect(parseAmount(value)).toBe(expected);
  });

  it.each([
    [-20],
    ['-20'],
    ['-$20'],
    ['$-20'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ['seventy-five'],
    ['2 gifts of 50'],
    ['50-75'],
    ['1,25'],
    [''],
    [null],
    [undefined],
    [true],
    [{ amount: 75 }],
  ])('ignores %j', (value) => {
    expect(parseAmount(value)).toBeNull();
  });
});

describe('isYes', () => {
  it.each([true, 'true', 'TRUE', 'yes', ' Yes '])('takes %j as yes', (value) => {
    expect(isYes(value)).toBe(true);
  });

  it.each([false, 'false', 'no', 'y', 1, '1', null, undefined, '', 'maybe'])(
    'does not take %j as yes',
    (value) => {
      expect(isYes(value)).toBe(false);
    },
  );
});

describe('isCollected', () => {
  it.each(['tomorrow', '2026-01-06T18:00:00Z', 0, true, 1767000000])('counts %j as collected', (value) => {
    expect(isCollected(value)).toBe(true);
  });

  it.each([
    null,
    undefined,
    false,
    '',
    '   ',
    'none',
    'None',
    'N/A',
    'null',
    'no',
    'not requested',
    'unknown',
  ])('counts %j as nothing collected', (value) => {
    expect(isCollected(value)).toBe(false);
  });
});

describe('parseCallbackTime', () => {
  it.each([
    ['2026-01-06T18:00:00-08:00', '2026-01-07T02:00:00.000Z'],
    ['2026-01-06T18:00:00Z', '2026-01-06T18:00:00.000Z'],
    ['2026-01-06T18:00Z', '2026-01-06T18:00:00.000Z'],
    ['2026-01-06 18:00:00+0530', '2026-01-06T12:30:00.000Z'],
    ['2026-01-06T18:00:00.250+01:00', '2026-01-06T17:00:00.000Z'],
    [1767722400, '2026-01-06T18:00:00.000Z'],
    [1767722400000, '2026-01-06T18:00:00.000Z'],
    ['1767722400', '2026-01-06T18:00:00.000Z'],
  ])('reads %j as %s', (value, expected) => {
    expect(parseCallbackTime(value, null)).toBe(expected);
  });

  it('places a time without an offset in the zone it is given, across DST', () => {
    expect(parseCallbackTime('2026-01-06T18:00', 'America/New_York')).toBe('2026-01-06T23:00:00.000Z');
    expect(parseCallbackTime('2026-07-06T18:00', 'America/New_York')).toBe('2026-07-06T22:00:00.000Z');
  });

  it('gives null for a time without an offset when no valid zone is known', () => {
    expect(parseCallbackTime('2026-01-06T18:00', null)).toBeNull();
    expect(parseCallbackTime('2026-01-06T18:00', 'Mars/Olympus_Mons')).toBeNull();
  });

  it.each([
    ['tomorrow evening'],
    ['call me at 6'],
    ['Tuesday 3'],
    ['2026-01-06'],
    ['2026-02-30T10:00:00Z'],
    ['2026-01-06T24:00:00Z'],
    ['2026-01-06T18:61:00Z'],
    ['2026-01-06T18:00:00+15:00'],
    [42],
    [null],
    [true],
  ])('does not pin %j to an instant', (value) => {
    expect(parseCallbackTime(value, 'America/New_York')).toBeNull();
  });
});
