import type { Clock } from '../../src/core/clock.js';

/**
 * Every sleep returns at once and moves time forward by its length. Enough for one caller at a time (a retry
 * sequence); the sleeps are recorded so tests can assert each wait.
 */
export class SteppingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/** Lets every promise chain that can run, run (they are all microtasks; one macrotask turn drains them). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time with real concurrency: sleeps wait until run() advances the clock to them, earliest first, and
 * only once everything runnable has run. Several portals can therefore wait at once, each for its own reasons.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  /** Advances through every pending timer until nothing is left waiting. */
  async run(): Promise<void> {
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (next === undefined) return;
      this.time = Math.max(this.time, next.at);
      next.resolve();
      await settle();
    }
  }
}
