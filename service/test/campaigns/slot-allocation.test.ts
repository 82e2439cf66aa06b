import { describe, expect, it } from 'vitest';
import { allocateSlots } from '../../src/campaigns/slot-allocation.js';

describe('slot allocation across campaigns', () => {
  it('gives each campaign what it can use when the account has room', () => {
    const grants = allocateSlots(
      [
        { campaignId: 'a', free: 3, due: 10 },
        { campaignId: 'b', free: 5, due: 2 },
      ],
      100,
    );
    expect(Object.fromEntries(grants)).toEqual({ a: 3, b: 2 });
  });

  it('shares a scarce account-wide cap round-robin so a big campaign cannot starve a small one', () => {
    const grants = allocateSlots(
      [
        { campaignId: 'big', free: 50, due: 10_000 },
        { campaignId: 'small', free: 2, due: 2 },
        { campaignId: 'mid', free: 10, due: 10 },
      ],
      7,
    );
    expect(Object.fromEntries(grants)).toEqual({ big: 3, small: 2, mid: 2 });
  });

  it('starts the rotation with the campaign served least recently', () => {
    const grants = allocateSlots(
      [
        { campaignId: 'waited', free: 5, due: 5 },
        { campaignId: 'served', free: 5, due: 5 },
      ],
      1,
    );
    expect(Object.fromEntries(grants)).toEqual({ waited: 1 });
  });

  it('never hands out more than the account has, nor negative slots', () => {
    expect(allocateSlots([{ campaignId: 'a', free: 5, due: 5 }], 0).size).toBe(0);
    expect(allocateSlots([{ campaignId: 'a', free: -3, due: 5 }], 10).size).toBe(0);
    const total = [
      ...allocateSlots(
        [
          { campaignId: 'a', free: 9, due: 9 },
          { campaignId: 'b', free: 9, due: 9 },
        ],
        5,
      ).values(),
    ].reduce((s, n) => s + n, 0);
    expect(total).toBe(5);
  });
});
