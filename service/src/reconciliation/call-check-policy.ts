import type { EngineSettings } from '../core/deps.js';

/**
 * When a placed call with no outcome yet is looked up at the provider, and what a look's answer means. Pure: the
 * `call-check` job applies it. A call's webhook normally ends it before its first look; the looks are what keep a
 * lost webhook from holding a call slot (and the outcome) for long: a finished call is found within one look
 * interval of its end, not at its latest possible end (a 2-minute call on an agent allowed 10 minutes would
 * otherwise hold its slot for 11).
 */

export interface CallTiming {
  /** How long the phone may ring (sent with the dial). */
  readonly ringingTimeoutSecs: number;
  /** The longest a conversation may last (CALL_MAX_DURATION_SECONDS). */
  readonly maxCallDurationSecs: number;
  /** Real seconds per provider second: 1 in production; the sandbox's fake plays calls faster. */
  readonly providerTimeScale: number;
  /** A call the provider has no trace of is ended only after looks spread over at least this long. */
  readonly noTraceGraceMs: number;
}

/** How the engine's settings time the looks at placed calls. */
export function callTimingOf(settings: EngineSettings): CallTiming {
  return {
    ringingTimeoutSecs: settings.ringingTimeoutSecs,
    maxCallDurationSecs: settings.maxCallDurationSecs,
    providerTimeScale: settings.providerTimeScale,
    noTraceGraceMs: settings.noTraceGraceMs,
  };
}

/** The first look comes this long after the phone stopped ringing (a call nobody answered has ended by then). */
export const FIRST_LOOK_AFTER_RING_SECS = 30;
/** A call still in progress is looked at again this much later: a lost webhook costs at most this. */
export const RECHECK_AFTER_SECS = 60;
/** A call that has ended but whose analysis is still running (`processing`) is looked at again sooner. */
export const PROCESSING_RECHECK_SECS = 10;
/** After the longest possible call: post-call analysis and the webhook's delivery take a little longer. */
export const END_MARGIN_SECS = 30;
/** A call the provider still calls running this long past its latest possible end is given up as failed. */
export const STILL_RUNNING_LIMIT_SECS = 30 * 60;
/** Looks that must find no trace of a call (over the grace period) before it is ended as failed. */
export const NO_TRACE_LOOKS = 3;

const providerMs = (secs: number, t: CallTiming) => secs * t.providerTimeScale * 1000;

/** The first look at a call placed at `placedAtMs`. */
export function firstCheckAt(placedAtMs: number, t: CallTiming): number {
  return placedAtMs + providerMs(t.ringingTimeoutSecs + FIRST_LOOK_AFTER_RING_SECS, t);
}

/** When the call must have ended, analysis included, however long it lasted. */
export function latestEndAt(placedAtMs: number, t: CallTiming): number {
  return placedAtMs + providerMs(t.ringingTimeoutSecs + t.maxCallDurationSecs + END_MARGIN_SECS, t);
}

/** What the provider said about the conversation at a look. */
export type LookResult = 'finished' | 'processing' | 'running' | 'missing';

export type NextStep =
  /** Store the conversation as its webhook would have been, and process it. */
  | { readonly kind: 'recover' }
  | { readonly kind: 'look_again'; readonly atMs: number }
  /** End the attempt as failed (its slot freed, the retry policy applied). */
  | { readonly kind: 'give_up'; readonly reason: GiveUpReason };

export type GiveUpReason =
  | 'no trace at provider'
  | 'still running at provider'
  | 'outcome could not be stored'
  | 'outcome unreadable';

export interface LookState {
  readonly placedAtMs: number;
  /** Looks that found nothing before this one, and when the first of them was (null: none yet). */
  readonly missingLooks: number;
  readonly missingSinceMs: number | null;
}

/** Decides what follows a look made at `nowMs`. */
export function afterLook(result: LookResult, state: LookState, nowMs: number, t: CallTiming): NextStep {
  if (result === 'finished') return { kind: 'recover' };
  if (result === 'running' || result === 'processing') {
    if (nowMs - latestEndAt(state.placedAtMs, t) >= providerMs(STILL_RUNNING_LIMIT_SECS, t)) {
      return { kind: 'give_up', reason: 'still running at provider' };
    }
    const after = result === 'processing' ? PROCESSING_RECHECK_SECS : RECHECK_AFTER_SECS;
    return { kind: 'look_again', atMs: nowMs + providerMs(after, t) };
  }
  const looks = state.missingLooks + 1;
  const since = state.missingSinceMs ?? nowMs;
  if (looks >= NO_TRACE_LOOKS && nowMs - since >= t.noTraceGraceMs) {
    return { kind: 'give_up', reason: 'no trace at provider' };
  }
  // Spread the looks over the grace period; once it has passed (a look was late), the next one comes soon.
  const step = Math.max(t.noTraceGraceMs / (NO_TRACE_LOOKS - 1), 1_000);
  return { kind: 'look_again', atMs: Math.max(since + looks * step, nowMs + 1_000) };
}
