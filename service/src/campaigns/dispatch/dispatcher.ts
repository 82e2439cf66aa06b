import type { ServiceDeps } from '../../core/deps.js';
import { dispatchTick, type TickResult } from './dispatch-tick.js';

export interface Dispatcher {
  /** Runs a tick soon (a call just ended and freed a slot) instead of waiting for the interval. */
  nudge(): void;
  /** One tick now; for tests and the demo. */
  tick(): Promise<TickResult>;
  stop(): Promise<void>;
}

/**
 * The dispatch loop. pg-boss cron is minute-granular and its workers sleep their polling interval after every
 * fetch, so dispatch is a plain timer in each worker process instead: every interval (and at once when nudged),
 * one tick, serialised across processes by an advisory lock inside the tick. A failed tick is logged and the
 * loop goes on: the next tick starts from the database again.
 */
export function startDispatcher(deps: ServiceDeps, onTick?: (result: TickResult) => void): Dispatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickResult> | undefined;
  let again = false;
  let stopped = false;

  const run = (): Promise<TickResult> => {
    if (running) {
      again = true; // a nudge during a tick: run once more right after it
      return running;
    }
    const started = performance.now();
    running = dispatchTick(deps)
      .then((result) => {
        deps.metrics?.dispatchTick((performance.now() - started) / 1000);
        if (result.claimed || result.completedCampaigns.length)
          deps.logger.debug({ ...result }, 'dispatch tick');
        onTick?.(result);
        return result;
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'dispatch tick failed');
        return { claimed: 0, rescheduled: 0, skipped: 0, completedCampaigns: [] };
      })
      .finally(() => {
        running = undefined;
        if (!stopped) schedule(again ? 0 : deps.settings.dispatchIntervalMs);
        again = false;
      });
    return running;
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), ms);
  };

  schedule(0);
  return {
    nudge: () => {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    tick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
