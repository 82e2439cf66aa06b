import { writeSync } from 'node:fs';
import { shiftedClock } from '../../service/src/core/clock.js';
import { createLogger } from '../../service/src/logger.js';
import { FAKES_READY_LINE, startStandaloneFakes } from '../../service/src/sandbox/standalone-fakes.js';
import { followClockControl } from './clock-control.js';

/** test/helpers/fakes-process.ts on a clock that jumps on command, with the service processes' (clock-control.ts). */

const clock = shiftedClock(Date.now() + Number(process.env.CLOCK_OFFSET_MS ?? 0));
followClockControl(clock, process.env.CLOCK_CONTROL_FILE);
const running = await startStandaloneFakes(process.env, createLogger('warn'), { clock });
writeSync(1, `${FAKES_READY_LINE} ${running.url}\n`);

process.stdin.once('end', () => process.exit(1));
process.stdin.resume();
process.once('SIGTERM', () => {
  void running.stop().then(() => process.exit(0));
});
