import { DEFAULT_RETRY_POLICY } from '@fundraising/shared';
import { describe, expect, it } from 'vitest';
import { nextStepAfter } from '../../src/outcomes/retry-policy.js';

const ended = Date.parse('2026-12-01T15:00:00Z');
const base = { policy: DEFAULT_RETRY_POLICY, maxAttempts: 3, endedAtMs: ended };

describe('retry policy', () => {
  it('finishes a contact after a final outcome', () => {
    for (const outcome of ['pledged', 'declined', 'opted_out', 'wrong_number', 'completed'] as const) {
      expect(nextStepAfter({ ...base, outcome, attemptsMade: 1 })).toEqual({ kind: 'finish' });
    }
  });

  it('retries a no-answer after the rule delay', () => {
    const step = nextStepAfter({ ...base, outcome: 'no_answer', attemptsMade: 1 });
    expect(step).toEqual({ kind: 'retry', notBeforeMs: ended + 240 * 60_000, reason: 'retry' });
  });

  it('stops at the rule maximum and at the campaign maximum, whichever is lower', () => {
    expect(nextStepAfter({ ...base, outcome: 'voicemail', attemptsMade: 2 })).toEqual({ kind: 'finish' });
    expect(nextStepAfter({ ...base, outcome: 'busy', attemptsMade: 2, maxAttempts: 2 })).toEqual({
      kind: 'finish',
    });
    expect(nextStepAfter({ ...base, outcome: 'busy', attemptsMade: 2 }).kind).toBe('retry');
  });

  it('does not retry an outcome the campaign left out of its policy', () => {
    expect(
      nextStepAfter({
        ...base,
        policy: { busy: { delayMinutes: 5, maxAttempts: 3 } },
        outcome: 'no_answer',
        attemptsMade: 1,
      }),
    ).toEqual({
      kind: 'finish',
    });
  });

  it('calls back at the time the donor asked for, when it is in the future', () => {
    const asked = ended + 2 * 86_400_000;
    expect(
      nextStepAfter({ ...base, outcome: 'callback_requested', attemptsMade: 1, callbackAtMs: asked }),
    ).toEqual({
      kind: 'retry',
      notBeforeMs: asked,
      reason: 'callback',
    });
    const past = nextStepAfter({
      ...base,
      outcome: 'callback_requested',
      attemptsMade: 1,
      callbackAtMs: ended - 1,
    });
    expect(past).toEqual({ kind: 'retry', notBeforeMs: ended + 60 * 60_000, reason: 'callback' });
  });
});
