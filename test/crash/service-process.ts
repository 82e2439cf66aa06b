import { writeSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../../service/src/config/config.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { createLogger } from '../../service/src/logger.js';
import { startService } from '../../service/src/runtime.js';
import { SERVICE_READY_MARKER } from './crash-protocol.js';

/**
 * The whole service in a process of its own, as `npm start` runs it (configuration from the environment, so
 * SERVICE_ROLE and SANDBOX_FAKES_URL work as there), with engine timing a test can shorten: the restart test runs
 * it at a chosen engine time against a time-scaled fake ElevenLabs and kills it with SIGKILL; the scale-out test
 * runs a web process and several workers of it on shared sandbox fakes. Unset, each setting keeps the service's.
 */

const env = z
  .object({
    /**
     * Engine time minus real time, shared with the test so both see the same "now". Unset: the shared fakes' clock
     * (an accelerated one when they run on SANDBOX_CLOCK_*), else real time.
     */
    CLOCK_OFFSET_MS: z.coerce.number().int().optional(),
    /** Overrides the time scale (shared sandbox fakes tell theirs). */
    PROVIDER_TIME_SCALE: z.coerce.number().positive().optional(),
    NO_TRACE_GRACE_MS: z.coerce.number().int().positive().optional(),
    UNKNOWN_DIAL_GRACE_MS: z.coerce.number().int().positive().optional(),
    DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  })
  .parse(process.env);

const config = loadConfig(process.env);
const service = await startService({
  config,
  logger: createLogger(config.logLevel),
  ...(env.CLOCK_OFFSET_MS === undefined ? {} : { clock: shiftedClock(Date.now() + env.CLOCK_OFFSET_MS) }),
  engineSettings: {
    ...(env.PROVIDER_TIME_SCALE === undefined ? {} : { providerTimeScale: env.PROVIDER_TIME_SCALE }),
    ...(env.NO_TRACE_GRACE_MS === undefined ? {} : { noTraceGraceMs: env.NO_TRACE_GRACE_MS }),
    ...(env.UNKNOWN_DIAL_GRACE_MS === undefined ? {} : { unknownDialGraceMs: env.UNKNOWN_DIAL_GRACE_MS }),
    dispatchIntervalMs: env.DISPATCH_INTERVAL_MS,
  },
});
writeSync(1, `${SERVICE_READY_MARKER} ${service.url}\n`);

// The test holds this pipe open; if the test process dies without stopping us, it closes and we go too.
process.stdin.once('end', () => process.exit(1));
process.stdin.resume();
process.once('SIGTERM', () => {
  void service.stop().then(() => process.exit(0));
});
