import { writeSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../../service/src/config/config.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { createLogger } from '../../service/src/logger.js';
import { startService } from '../../service/src/runtime.js';
import { SERVICE_READY_MARKER } from './crash-protocol.js';

/**
 * The whole service in a process of its own, as `npm start` runs it (configuration from the environment), but at a
 * chosen engine time and with the timing of a time-scaled fake ElevenLabs. The restart test kills it with SIGKILL.
 */

const env = z
  .object({
    /** Engine time minus real time, shared with the test so both see the same "now". */
    CLOCK_OFFSET_MS: z.coerce.number().int(),
    PROVIDER_TIME_SCALE: z.coerce.number().positive(),
    NO_TRACE_GRACE_MS: z.coerce.number().int().positive(),
    UNKNOWN_DIAL_GRACE_MS: z.coerce.number().int().positive(),
  })
  .parse(process.env);

const config = loadConfig(process.env);
const service = await startService({
  config,
  logger: createLogger(config.logLevel),
  clock: shiftedClock(Date.now() + env.CLOCK_OFFSET_MS),
  engineSettings: {
    providerTimeScale: env.PROVIDER_TIME_SCALE,
    noTraceGraceMs: env.NO_TRACE_GRACE_MS,
    unknownDialGraceMs: env.UNKNOWN_DIAL_GRACE_MS,
    dispatchIntervalMs: 250,
  },
});
writeSync(1, `${SERVICE_READY_MARKER} ${service.url}\n`);

// The test holds this pipe open; if the test process dies without stopping us, it closes and we go too.
process.stdin.once('end', () => process.exit(1));
process.stdin.resume();
process.once('SIGTERM', () => {
  void service.stop().then(() => process.exit(0));
});
