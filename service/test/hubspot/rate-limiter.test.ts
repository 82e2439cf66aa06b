import { describe, expect, it } from 'vitest';
import { PortalRateLimiter } from '../../src/hubspot/rate-limiter.js';
import { VirtualClock } from './fake-clocks.js';

const BUDGET = { maxRequests: 100, windowMs: 10_000 };

/** The most requests that started inside any window of windowMs (sliding over every start). */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let tail = 0;
  for (let head = 0; head < sorted.length; head++) {
    while ((sorted[head] ?? 0) - (sorted[tail] ?? 0) >= windowMs) tail++;
    most = Math.max(most, head - tail + 1);
  }
  return most;
}

describe('PortalRateLimiter', () => {
  it('keeps a 5,000-request burst for one portal within its budget in every rolling window', async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter(BUDGET, clock);
    const starts: number[] = [];
    const done = Array.from({ length: 5_000 }, () =>
      limiter.schedule(101, async () => {
        starts.push(clock.now());
      }),
    );
    await clock.run();
    await Promise.all(done);

    expect(starts).toHaveLength(5_000);
    expect(busiestWindow(starts, BUDGET.windowMs)).toBe(BUDGET.maxRequests);
    // And it uses the budget: 50 windows' worth of requests start within 49 windows.
    expect(Math.max(...starts)).toBe(49 * BUDGET.windowMs);
  });

  it("does not delay a second portal's request behind the first portal's backlog", async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter(BUDGET, clock);
    for (let i = 0; i < 5_000; i++) void limiter.schedule(101, async () => {});

    const startedAt: Record<string, number> = {};
    const submittedAt: Record<string, number> = {};
    const submit = (label: string) => {
      submittedAt[label] = clock.now();
      return limiter.schedule(202, async () => {
        startedAt[label] = clock.now();
      });
    };
    const atOnce = submit('with the burst');
    // Another one midway through portal 101's backlog, when its window is full and its queue long.
    const midway = clock.sleep(123_456).then(() => {
      expect(limiter.queued(101)).toBeGreaterThan(3_000);
      return submit('midway');
    });
    await clock.run();
    await Promise.all([atOnce, midway]);

    expect(startedAt['with the burst']).toBe(submittedAt['with the burst']);
    expect(submittedAt.midway).toBe(123_456);
    expect(startedAt.midway).toBe(123_456);
  });

  it('starts requests of one portal in the order they were submitted', async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter({ maxRequests: 3, windowMs: 1_000 }, clock);
    const order: number[] = [];
    const all = Array.from({ length: 10 }, (_, i) => limiter.schedule(7, async () => void order.push(i)));
    await clock.run();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('puts a request marked front ahead of those already waiting', async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter({ maxRequests: 1, windowMs: 1_000 }, clock);
    const order: string[] = [];
    const all = [
      limiter.schedule(7, async () => void order.push('first')),
      limiter.schedule(7, async () => void order.push('queued')),
      limiter.schedule(7, async () => void order.push('retry'), { front: true }),
    ];
    await clock.run();
    await Promise.all(all);
    expect(order).toEqual(['first', 'retry', 'queued']);
  });

  it('holds every request of a paused portal until the pause ends, leaving other portals alone', async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter(BUDGET, clock);
    limiter.pause(1, 10_000);
    const starts: Record<number, number> = {};
    const a = limiter.schedule(1, async () => {
      starts[1] = clock.now();
    });
    const b = limiter.schedule(2, async () => {
      starts[2] = clock.now();
    });
    await clock.run();
    await Promise.all([a, b]);
    expect(starts).toEqual({ 1: 10_000, 2: 0 });
  });

  it("passes a request's failure to its caller and keeps serving the queue", async () => {
    const clock = new VirtualClock();
    const limiter = new PortalRateLimiter(BUDGET, clock);
    const failing = expect(
      limiter.schedule(1, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const next = limiter.schedule(1, async () => 'fine');
    await clock.run();
    await failing;
    await expect(next).resolves.toBe('fine');
  });
});
