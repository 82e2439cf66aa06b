import { describe, expect, it } from 'vitest';
import { mapBounded } from '../src/app/pages/campaigns-api.js';

describe('the home page’s bounded stats requests', () => {
  it('never has more than the limit in flight, and keeps the items’ order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('fails as a whole when one request fails (the page shows that error)', async () => {
    await expect(
      mapBounded([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('stats of 2 failed');
        return n;
      }),
    ).rejects.toThrow('stats of 2 failed');
  });
});
