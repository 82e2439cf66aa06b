import type { Clock } from './clock.js';

/**
 * The sandbox's accelerated clock: simulated time that runs `speed` times faster than real time, so a whole
 * calling day (contacts in several zones, windows opening and closing, retries hours apart) plays out in about a
 * minute. Every process of a run computes the same `now` from one published definition (the fakes process serves
 * it in GET /__sandbox/fakes): now = startMs + (Date.now() - epochMs) x speed, on the machine's one system clock.
 * It may be held at `startMs` (epochMs null) until told to run, so portals can be installed and campaigns launched
 * before the simulated day begins, however long that takes on a busy machine.
 */

export interface ClockDefinition {
  /** The simulated instant the clock starts from. */
  readonly startMs: number;
  /** Simulated milliseconds per real millisecond. */
  readonly speed: number;
  /** The real instant (Date.now()) the clock started running from; null while it is held at startMs. */
  readonly epochMs: number | null;
}

export interface AcceleratedClock extends Clock {
  readonly speed: number;
  readonly wire: { now(): number };
  /** The definition as it stands (epochMs set once running). */
  definition(): ClockDefinition;
  /** Starts a held clock as of the real instant `epochMs` (now by default); a running clock is unchanged. */
  run(epochMs?: number): void;
  readonly running: boolean;
}

/** The most a test may speed the sandbox up: beyond it a 100 ms hiccup is several simulated minutes. */
export const MAX_CLOCK_SPEED = 10_000;

export function acceleratedClock(definition: ClockDefinition): AcceleratedClock {
  const { startMs, speed } = definition;
  if (!Number.isFinite(startMs)) throw new RangeError('accelerated clock: startMs must be an instant');
  if (!(speed >= 1 && speed <= MAX_CLOCK_SPEED))
    throw new RangeError(`accelerated clock: speed must be 1 to ${MAX_CLOCK_SPEED}`);
  let epochMs = definition.epochMs;
  return {
    speed,
    // Signatures and tokens are checked across processes and against real network latency: real time.
    wire: { now: () => Date.now() },
    now: () => (epochMs === null ? startMs : startMs + (Date.now() - epochMs) * speed),
    // An engine wait of `ms` simulated milliseconds lasts ms / speed real ones (while held too: a wait then is a
    // retry or pacing delay that should not stall start-up).
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / speed)),
    definition: () => ({ startMs, speed, epochMs }),
    run: (at = Date.now()) => {
      if (epochMs === null) epochMs = at;
    },
    get running() {
      return epochMs !== null;
    },
  };
}
