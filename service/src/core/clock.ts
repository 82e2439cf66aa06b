/**
 * Time as the campaign engine sees it. Everything that decides "may we call now" takes a Clock, so tests and the
 * demo can run the engine at a chosen local time (a shifted clock) while the world around runs in real time.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Engine milliseconds per real millisecond: absent (1) except on the sandbox's accelerated clock. Durations that
   * bound real processes (a request in flight, a job waiting for a worker, a worker's death) are real time, so
   * where they are compared with engine instants they are multiplied by it (see `realSlackMs`).
   */
  readonly speed?: number;
  /**
   * Real-rate time for protocol timing that both ends of a wire check (signature timestamps, token lifetimes),
   * when it differs from `now`: on the accelerated clock a 5-minute signature window would otherwise be 300 ms of
   * real latency. Absent: the clock itself (a shifted or manual clock moves both ends together).
   */
  readonly wire?: { now(): number };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Protocol time on this clock (see Clock.wire). */
export function wireNow(clock: { now(): number; readonly wire?: { now(): number } }): number {
  return (clock.wire ?? clock).now();
}

/** A real-time bound (`ms` of real time) expressed in engine milliseconds on this clock. */
export function realSlackMs(clock: Pick<Clock, 'speed'>, ms: number): number {
  return ms * (clock.speed ?? 1);
}

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
