/**
 * Time as the campaign engine sees it. Everything that decides "may we call now" takes a Clock, so tests and the
 * demo can run the engine at a chosen local time (a shifted clock) while the world around runs in real time.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ShiftedClock extends Clock {
  /** Moves "now" forward (tests: a grace period passes without waiting for it). */
  advance(ms: number): void;
}

/** Real time moved by an offset: "now" is the chosen instant plus however long has passed since. */
export function shiftedClock(startAtMs: number): ShiftedClock {
  let offset = startAtMs - Date.now();
  return {
    now: () => Date.now() + offset,
    sleep: systemClock.sleep,
    advance: (ms) => {
      offset += ms;
    },
  };
}
