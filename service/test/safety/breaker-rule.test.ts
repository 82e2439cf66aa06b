import { describe, expect, it } from 'vitest';
import {
  breakerVerdict,
  DEFAULT_BREAKER_POLICY,
  type DialResultSummary,
  summarizeAttempt,
} from '../../src/safety/index.js';

const placed: DialResultSummary = { kind: 'placed' };
const refused = (status = 402, message = 'Your balance is exhausted.'): DialResultSummary => ({
  kind: 'rejected',
  status,
  message,
});
const lost: DialResultSummary = { kind: 'failed', message: 'never placed: no trace at ElevenLabs' };
/** `bad` failures first (newest), then `good` placed dials. */
const results = (bad: number, good: number, failure: DialResultSummary = refused()) => [
  ...Array.from({ length: bad }, () => failure),
  ...Array.from({ length: good }, () => placed),
];

describe('the safety breaker rule', () => {
  it('trips when half or more of the last 20 dials were refused, naming the count and the last refusal', () => {
    const verdict = breakerVerdict(results(12, 8), refused());
    expect(verdict).toEqual({
      trip: true,
      reason:
        'paused by the safety breaker: 12 of 20 recent dials were rejected by ElevenLabs (last: 402 Your balance is exhausted.)',
    });
    expect(breakerVerdict(results(10, 10), refused()).trip).toBe(true);
  });

  it('leaves a campaign running below half failed', () => {
    expect(breakerVerdict(results(9, 11), refused())).toEqual({ trip: false });
    expect(breakerVerdict(results(1, 19), refused())).toEqual({ trip: false });
  });

  it('says nothing on fewer than ten results, however bad', () => {
    expect(breakerVerdict(results(9, 0), refused())).toEqual({ trip: false });
    expect(breakerVerdict(results(10, 0), refused()).trip).toBe(true);
  });

  it('looks only at the latest window of results', () => {
    // 20 good dials newest, then 30 refusals long ago in the list: the window holds only good ones.
    const recent = [...results(0, 20), ...results(30, 0)];
    expect(breakerVerdict(recent, refused())).toEqual({ trip: false });
    expect(DEFAULT_BREAKER_POLICY.window).toBe(20);
  });

  it('trips at once on a 401 (the API key: every further dial would be refused alike)', () => {
    const verdict = breakerVerdict([], refused(401, 'Invalid API key'));
    expect(verdict).toEqual({
      trip: true,
      reason:
        'paused by the safety breaker: ElevenLabs refused a dial with 401 unauthorized (Invalid API key); check the API key',
    });
  });

  it('counts dials never placed with the refused ones, and says so', () => {
    const mixed = [...results(6, 0), ...results(5, 9, lost)];
    expect(breakerVerdict(mixed, refused())).toMatchObject({
      trip: true,
      reason: expect.stringContaining('11 of 20 recent dials were rejected by ElevenLabs or never placed'),
    });
    expect(breakerVerdict(results(10, 10, lost), null)).toMatchObject({
      reason: expect.stringContaining('10 of 20 recent dials were never placed'),
    });
  });

  it('honours another policy', () => {
    const strict = { window: 10, minResults: 5, failureShare: 0.3, maxAgeMs: 60_000 };
    expect(breakerVerdict(results(3, 7), refused(), strict).trip).toBe(true);
    expect(breakerVerdict(results(2, 8), refused(), strict).trip).toBe(false);
  });

  it('reads stored attempts back: refused dials from their reason, anything else not placed as failed', () => {
    expect(summarizeAttempt('ended', null)).toEqual({ kind: 'placed' });
    expect(summarizeAttempt('placed', null)).toEqual({ kind: 'placed' });
    expect(summarizeAttempt('not_placed', 'rejected 401: Invalid API key')).toEqual({
      kind: 'rejected',
      status: 401,
      message: 'Invalid API key',
    });
    expect(summarizeAttempt('not_placed', 'never placed')).toEqual({
      kind: 'failed',
      message: 'never placed',
    });
  });
});
