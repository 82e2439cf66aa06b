import { describe, expect, it } from 'vitest';
import { type CallingWindow, nextAllowedInstant } from '../../src/calling-window/index.js';

// Campaign launch computes a first dial time for every contact: 100,000 contacts must take seconds, not minutes.
// The limits below are ~10x what the code needs on a laptop, so they catch a regression to scanning, not noise.

const DAY = 86_400_000;
const WEEKDAYS_9_TO_8: CallingWindow = {
  days: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 20 * 60,
  blackoutDates: ['2025-05-26', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25'],
};
const US_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];

function microsecondsPerCall(calls: number, run: (i: number) => void): number {
  for (let i = 0; i < 500; i++) run(i);
  const started = performance.now();
  for (let i = 0; i < calls; i++) run(i);
  return ((performance.now() - started) / calls) * 1000;
}

describe('nextAllowedInstant speed', () => {
  it('takes well under 0.2 ms per contact with one zone and a typical window', () => {
    const base = Date.UTC(2025, 0, 1);
    let found = 0;
    const micros = microsecondsPerCall(30_000, (i) => {
      const zone = US_ZONES[i % US_ZONES.length]!;
      const from = base + ((i * 7_919_113) % (365 * DAY));
      if (
        nextAllowedInstant(from, { zones: [zone], usState: i % 5 === 0 ? 'FL' : null }, WEEKDAYS_9_TO_8) !==
        null
      ) {
        found++;
      }
    });
    console.info(`nextAllowedInstant, one zone: ${micros.toFixed(1)} µs per call`);
    expect(found).toBeGreaterThan(0);
    expect(micros).toBeLessThan(200);
  });

  it('stays fast for two overlapping candidate zones', () => {
    const base = Date.UTC(2025, 0, 1);
    const micros = microsecondsPerCall(10_000, (i) => {
      nextAllowedInstant(
        base + ((i * 7_919_113) % (365 * DAY)),
        { zones: ['America/Boise', 'America/Los_Angeles'], usState: null },
        WEEKDAYS_9_TO_8,
      );
    });
    console.info(`nextAllowedInstant, two zones: ${micros.toFixed(1)} µs per call`);
    expect(micros).toBeLessThan(400);
  });

  it('proves within a few milliseconds that zones which never overlap have no time at all', () => {
    const mornings = { ...WEEKDAYS_9_TO_8, startMinute: 9 * 60, endMinute: 12 * 60 };
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const answer = nextAllowedInstant(
        Date.UTC(2025, 0, 1) + i * DAY,
        { zones: ['Asia/Tokyo', 'America/New_York', 'Europe/London'], usState: null },
        mornings,
      );
      expect(answer).toBeNull();
    }
    const millis = (performance.now() - started) / 20;
    console.info(
      `nextAllowedInstant, no overlap within 400 days (3 zones): ${millis.toFixed(2)} ms per call`,
    );
    expect(millis).toBeLessThan(50);
  });
});
