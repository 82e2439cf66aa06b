import { describe, expect, it } from 'vitest';
import {
  afterLook,
  type CallTiming,
  END_MARGIN_SECS,
  FIRST_LOOK_AFTER_RING_SECS,
  firstCheckAt,
  latestEndAt,
  NO_TRACE_LOOKS,
  PROCESSING_RECHECK_SECS,
  RECHECK_AFTER_SECS,
  STILL_RUNNING_LIMIT_SECS,
} from '../../src/reconciliation/call-check-policy.js';

const timing: CallTiming = {
  ringingTimeoutSecs: 30,
  maxCallDurationSecs: 600,
  providerTimeScale: 1,
  noTraceGraceMs: 120_000,
};
const PLACED = Date.parse('2026-12-01T20:00:00Z');
const fresh = { placedAtMs: PLACED, missingLooks: 0, missingSinceMs: null };

describe('when a placed call is looked up', () => {
  it('first looks half a minute after the phone stopped ringing, long before the latest possible end', () => {
    expect(firstCheckAt(PLACED, timing)).toBe(PLACED + (30 + FIRST_LOOK_AFTER_RING_SECS) * 1000);
    expect(latestEndAt(PLACED, timing)).toBe(PLACED + (30 + 600 + END_MARGIN_SECS) * 1000);
  });

  it('runs on the provider clock: the sandbox looks at its 100x faster calls 100x sooner', () => {
    const fast = { ...timing, providerTimeScale: 0.01 };
    expect(firstCheckAt(PLACED, fast)).toBe(PLACED + (30 + FIRST_LOOK_AFTER_RING_SECS) * 10);
    expect(afterLook('running', fresh, PLACED, fast)).toEqual({
      kind: 'look_again',
      atMs: PLACED + RECHECK_AFTER_SECS * 10,
    });
  });
});

describe('what a look decides', () => {
  const at = firstCheckAt(PLACED, timing);

  it('recovers a finished call', () => {
    expect(afterLook('finished', fresh, at, timing)).toEqual({ kind: 'recover' });
  });

  it('looks at a call in progress again a minute later, at one being analysed sooner', () => {
    expect(afterLook('running', fresh, at, timing)).toEqual({
      kind: 'look_again',
      atMs: at + RECHECK_AFTER_SECS * 1000,
    });
    expect(afterLook('processing', fresh, at, timing)).toEqual({
      kind: 'look_again',
      atMs: at + PROCESSING_RECHECK_SECS * 1000,
    });
  });

  it('gives up on a call still running half an hour past its latest possible end', () => {
    const limit = latestEndAt(PLACED, timing) + STILL_RUNNING_LIMIT_SECS * 1000;
    expect(afterLook('running', fresh, limit - 1, timing).kind).toBe('look_again');
    expect(afterLook('running', fresh, limit, timing)).toEqual({
      kind: 'give_up',
      reason: 'still running at provider',
    });
    expect(afterLook('processing', fresh, limit, timing).kind).toBe('give_up');
  });

  it('spreads looks at a call the provider has no trace of over the grace period, then ends it', () => {
    let state: { placedAtMs: number; missingLooks: number; missingSinceMs: number | null } = fresh;
    let now = at;
    const decisions: string[] = [];
    for (let look = 0; look < 10; look++) {
      const next = afterLook('missing', state, now, timing);
      decisions.push(next.kind);
      if (next.kind !== 'look_again') {
        expect(next).toEqual({ kind: 'give_up', reason: 'no trace at provider' });
        break;
      }
      state = { ...state, missingLooks: state.missingLooks + 1, missingSinceMs: state.missingSinceMs ?? now };
      now = next.atMs;
    }
    expect(decisions).toEqual([...Array(NO_TRACE_LOOKS - 1).fill('look_again'), 'give_up']);
    expect(now - at).toBe(timing.noTraceGraceMs);
  });

  it('never ends a missing call before the grace period, however many looks', () => {
    const state = { placedAtMs: PLACED, missingLooks: 50, missingSinceMs: at };
    expect(afterLook('missing', state, at + timing.noTraceGraceMs - 1, timing).kind).toBe('look_again');
  });

  it('never ends a missing call on fewer looks than required, however long ago the first', () => {
    const state = { placedAtMs: PLACED, missingLooks: NO_TRACE_LOOKS - 2, missingSinceMs: at };
    const next = afterLook('missing', state, at + 10 * timing.noTraceGraceMs, timing);
    expect(next.kind).toBe('look_again');
    if (next.kind === 'look_again') expect(next.atMs).toBeGreaterThan(at + 10 * timing.noTraceGraceMs);
  });
});
