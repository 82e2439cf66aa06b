import { type Clock, systemClock } from '../core/clock.js';

export interface RateLimitOptions {
  /** Requests allowed per window per portal. HubSpot allows 110 (OAuth apps) or 190 (private apps, Pro+). */
  readonly maxRequests: number;
  readonly windowMs: number;
}

/** A little under HubSpot's 110 per 10 s for OAuth apps, leaving headroom for other callers of the same token. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { maxRequests: 100, windowMs: 10_000 };

interface Waiter {
  readonly start: () => void;
}

interface KeyState {
  readonly queue: Waiter[];
  /** Start times of the requests still inside the rolling window, oldest first. */
  readonly starts: number[];
  pausedUntil: number;
  pumping: boolean;
}

/**
 * A rolling-window limiter with one FIFO queue per key (portal id). HubSpot counts requests per app per portal
 * over a rolling 10 s window, so each portal gets its own window and queue: a portal with a 5,000-request backlog
 * never delays a request for another portal. The SDK's own limiter cannot do this (it is a process-wide singleton).
 */
export class PortalRateLimiter {
  private readonly states = new Map<string, KeyState>();
  private readonly options: RateLimitOptions;
  private readonly clock: Clock;

  constructor(options: Partial<RateLimitOptions> = {}, clock: Clock = systemClock) {
    this.options = { ...DEFAULT_RATE_LIMIT, ...options };
    if (!(this.options.maxRequests >= 1) || !(this.options.windowMs > 0))
      throw new RangeError('rate limit needs maxRequests >= 1 and windowMs > 0');
    this.clock = clock;
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  /**
   * Runs fn once the key has budget left in its window, after everything queued for that key before it.
   * front: ahead of the queue instead, for a retry that already waited its turn once.
   */
  schedule<T>(key: string | number, fn: () => Promise<T>, options: { front?: boolean } = {}): Promise<T> {
    const state = this.state(String(key));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          try {
            fn().then(resolve, reject);
          } catch (error) {
            reject(error);
          }
        },
      };
      if (options.front === true) state.queue.unshift(waiter);
      else state.queue.push(waiter);
      void this.pump(state);
    });
  }

  /** No request for this key starts before now + ms (HubSpot said 429: sending more only extends the wall). */
  pause(key: string | number, ms: number): void {
    const state = this.state(String(key));
    state.pausedUntil = Math.max(state.pausedUntil, this.clock.now() + ms);
  }

  /** Requests waiting for a slot, for metrics and tests. */
  queued(key: string | number): number {
    return this.states.get(String(key))?.queue.length ?? 0;
  }

  private state(key: string): KeyState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { queue: [], starts: [], pausedUntil: 0, pumping: false };
      this.states.set(key, state);
    }
    return state;
  }

  private async pump(state: KeyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      while (state.queue.length > 0) {
        const now = this.clock.now();
        while (state.starts.length > 0 && (state.starts[0] ?? 0) + this.options.windowMs <= now) {
          state.starts.shift();
        }
        const windowFull =
          state.starts.length >= this.options.maxRequests
            ? (state.starts[0] ?? now) + this.options.windowMs - now
            : 0;
        const wait = Math.max(state.pausedUntil - now, windowFull);
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        state.starts.push(now);
        state.queue.shift()?.start();
      }
    } finally {
      state.pumping = false;
    }
  }
}
