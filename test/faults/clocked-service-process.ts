import { writeSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../../service/src/config/config.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { createLogger } from '../../service/src/logger.js';
import { startService } from '../../service/src/runtime.js';
import { SERVICE_READY_MARKER } from '../crash/crash-protocol.js';
import { followClockControl } from './clock-control.js';

/**
 * test/crash/service-process.ts with a clock that jumps on command (clock-control.ts): the whole service, as
 * `npm start` runs it, on an engine clock CLOCK_OFFSET_MS from real time, moved when the test says so.
 */

const env = z
  .object({
    CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
    CLOCK_CONTROL_FILE: z.string().optional(),
    UNKNOWN_DIAL_GRACE_MS: z.coerce.number().int().positive().optional(),
    DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  })
  .parse(process.env);

const clock = shiftedClock(Date.now() + env.CLOCK_OFFSET_MS);
followClockControl(clock, env.CLOCK_CONTROL_FILE);
const config = loadConfig(process.env);
const service = await startService({
  config,
  logger: createLogger(config.logLevel),
  clock,
  engineSettings: {
    ...(env.UNKNOWN_DIAL_GRACE_MS === undefined ? {} : { unknownDialGraceMs: env.UNKNOWN_DIAL_GRACE_MS }),
    dispatchIntervalMs: env.DISPATCH_INTERVAL_MS,
  },
});
writeSync(1, `${SERVICE_READY_MARKER} ${service.url}\n`);

process.stdin.once('end', () => process.exit(1));
process.stdin.resume();
process.once('SIGTERM', () => {
  void service.stop().then(() => process.exit(0));
});
