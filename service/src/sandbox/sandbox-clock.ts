import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { type AcceleratedClock, acceleratedClock, type ClockDefinition } from '../core/accelerated-clock.js';
import type { Logger } from '../logger.js';

/**
 * The sandbox's accelerated clock across processes: the process that starts the fakes owns it (SANDBOX_CLOCK_*),
 * publishes its definition in GET /__sandbox/fakes, and starts a held clock on POST /__sandbox/fakes/clock/run;
 * processes sharing the fakes build the same clock from the definition and, while it is held, ask every 100 ms
 * whether it runs yet. A process that learns late only believes it is still the (held) start instant for that
 * long: a held start is chosen before any calling window opens, so that costs a dial nothing.
 */

export const clockDefinitionSchema = z.object({
  startMs: z.number(),
  speed: z.number().min(1),
  epochMs: z.number().nullable(),
});

export const SANDBOX_CLOCK_PATH = '/__sandbox/fakes/clock';

/** The clock SANDBOX_CLOCK_* ask for, or null (real time). */
export function clockFromConfig(clock: Config['sandboxClock']): AcceleratedClock | null {
  if (clock === undefined) return null;
  const now = Date.now();
  return acceleratedClock({
    startMs: clock.startMs ?? now,
    speed: clock.speed ?? 1,
    epochMs: clock.hold ? null : now,
  });
}

/**
 * Real seconds per simulated call second for the fake ElevenLabs: the given scale when there is one (a test that
 * wants calls longer than their stories, so calls in flight reach the caps); else, on an accelerated clock, calls
 * last their simulated length in simulated time (1 / speed); else the fake's default (undefined).
 */
export function callTimeScale(clock: Config['sandboxClock'], given: number | undefined): number | undefined {
  if (given !== undefined || clock?.speed === undefined) return given;
  return 1 / clock.speed;
}

const POLL_MS = 100;

/** The clock of fakes another process serves; a held one starts here once it starts there. */
export function followClock(baseUrl: string, definition: ClockDefinition, logger: Logger): AcceleratedClock {
  const clock = acceleratedClock(definition);
  if (clock.running) return clock;
  const poll = async () => {
    try {
      const res = await fetch(`${baseUrl}${SANDBOX_CLOCK_PATH}`, { signal: AbortSignal.timeout(2_000) });
      const parsed = clockDefinitionSchema.nullable().safeParse(res.ok ? await res.json() : null);
      const epochMs = parsed.success ? parsed.data?.epochMs : null;
      if (typeof epochMs === 'number') {
        clock.run(epochMs);
        logger.info({ epochMs }, 'sandbox clock running');
        return;
      }
    } catch {
      // The fakes' process is busy or going away: ask again.
    }
    setTimeout(() => void poll(), POLL_MS).unref();
  };
  void poll();
  return clock;
}

/** GET the clock's definition (null: real time); POST .../run starts a held clock owned by this process. */
export function clockRoutes(clock: () => AcceleratedClock | null, owned: boolean): Router {
  const router = Router();
  router.get(SANDBOX_CLOCK_PATH, (_req, res) => {
    res.json(clock()?.definition() ?? null);
  });
  router.post(`${SANDBOX_CLOCK_PATH}/run`, (_req, res) => {
    const current = clock();
    if (current === null) {
      res.status(409).json({ error: 'the sandbox runs on real time (no SANDBOX_CLOCK_* set)' });
      return;
    }
    if (!owned) {
      res
        .status(409)
        .json({ error: 'the clock belongs to the process serving SANDBOX_FAKES_URL: run it there' });
      return;
    }
    current.run();
    res.json(current.definition());
  });
  return router;
}
