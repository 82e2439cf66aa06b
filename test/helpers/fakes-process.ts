import { writeSync } from 'node:fs';
import { createLogger } from '../../service/src/logger.js';
import { FAKES_READY_LINE, startStandaloneFakes } from '../../service/src/sandbox/standalone-fakes.js';

/**
 * `npm run sandbox:fakes` as a test's child process: the same start-up (configuration from the environment), plus
 * the test's lifeline: if the test process dies without stopping us, stdin closes and we go too.
 */

const running = await startStandaloneFakes(
  process.env,
  createLogger(process.env.LOG_LEVEL === 'info' ? 'info' : 'warn'),
);
writeSync(1, `${FAKES_READY_LINE} ${running.url}\n`);

process.stdin.once('end', () => process.exit(1));
process.stdin.resume();
process.once('SIGTERM', () => {
  void running.stop().then(() => process.exit(0));
});
