import { writeSync } from 'node:fs';
import { z } from 'zod';
import { startDispatcher } from '../../service/src/campaigns/dispatch/dispatcher.js';
import { CAMPAIGN_QUEUES, campaignWorkers } from '../../service/src/campaigns/jobs.js';
import type { PlacementHooks, PlacementStep } from '../../service/src/campaigns/placement/place-call.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { DEFAULT_ENGINE_SETTINGS, type ServiceDeps } from '../../service/src/core/deps.js';
import { createPool } from '../../service/src/db/pool.js';
import { createElevenLabsClient } from '../../service/src/elevenlabs/index.js';
import { createHubSpotClients } from '../../service/src/hubspot/index.js';
import { registerWorkers, startBoss } from '../../service/src/jobs/boss.js';
import { createLogger } from '../../service/src/logger.js';
import { sandboxAccessToken } from '../../service/src/sandbox/index.js';
import { CRASH_MARKER, type CrashReport, PLACEMENT_STEPS, READY_MARKER } from './crash-protocol.js';

/**
 * A worker process for the crash test: the engine's placement and reconcile workers and the dispatcher, built from
 * the production clients against the sandbox fakes. With CRASH_AT set it kills itself (SIGKILL: no cleanup, no
 * graceful shutdown, exactly like the OOM killer or a lost host) the CRASH_AFTER-th time any placement reaches
 * that step, after writing one line saying where it died.
 */

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    ELEVENLABS_URL: z.url(),
    HUBSPOT_URL: z.url(),
    /** Engine time minus real time, shared with the test so both see the same "now". */
    CLOCK_OFFSET_MS: z.coerce.number().int(),
    CRASH_AT: z.enum(PLACEMENT_STEPS).optional(),
    CRASH_AFTER: z.coerce.number().int().positive().default(1),
    CONCURRENCY: z.coerce.number().int().positive().default(20),
    LOG_LEVEL: z.string().default('warn'),
  })
  .parse(process.env);

const logger = createLogger(env.LOG_LEVEL);

function crashHooks(step: PlacementStep | undefined, after: number): PlacementHooks {
  if (step === undefined) return {};
  let hits = 0;
  return {
    checkpoint(reached, attemptId) {
      if (reached !== step || ++hits < after) return;
      const report: CrashReport = { step: reached, attemptId, hit: hits };
      // Synchronous: the line must be out before the signal lands.
      writeSync(2, `${CRASH_MARKER}${JSON.stringify(report)}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  };
}

const pool = createPool(env.DATABASE_URL, logger, 10);
const boss = await startBoss({
  connectionString: env.DATABASE_URL,
  logger,
  queues: CAMPAIGN_QUEUES,
  supervise: true,
});
const deps: ServiceDeps = {
  pool,
  boss,
  elevenlabs: createElevenLabsClient({ apiKey: 'sandbox-key', baseUrl: env.ELEVENLABS_URL, logger }),
  hubspot: createHubSpotClients({
    baseUrl: env.HUBSPOT_URL,
    tokens: { getAccessToken: async (portalId) => sandboxAccessToken(portalId) },
    logger,
  }),
  logger,
  clock: shiftedClock(Date.now() + env.CLOCK_OFFSET_MS),
  settings: {
    ...DEFAULT_ENGINE_SETTINGS,
    accountConcurrencyCap: env.CONCURRENCY,
    dispatchIntervalMs: 250,
    ringingTimeoutSecs: 15,
    unknownDialGraceMs: 5_000,
  },
};
await registerWorkers(boss, campaignWorkers(deps, crashHooks(env.CRASH_AT, env.CRASH_AFTER)));
const dispatcher = startDispatcher(deps);
writeSync(1, `${READY_MARKER}\n`);

// The test holds this pipe open; if the test process dies without stopping us, it closes and we go too.
process.stdin.once('end', () => process.exit(1));
process.stdin.resume();

// The test stops the last, uncrashed worker with SIGTERM once everything has settled.
process.once('SIGTERM', () => {
  void (async () => {
    await dispatcher.stop();
    await boss.stop({ graceful: true, close: true, timeout: 2_000 });
    await pool.end();
    process.exit(0);
  })();
});
