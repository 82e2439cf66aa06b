import { loadConfig } from '../config/config.js';
import { oneLine } from '../db/first-run.js';
import { createLogger } from '../logger.js';
import { fakesLinks, sandboxBanner } from './index.js';
import { FAKES_READY_LINE, startStandaloneFakes } from './standalone-fakes.js';

/**
 * `npm run sandbox:fakes`: the sandbox's fake ElevenLabs and fake HubSpot in a process of their own, shared by
 * every service process started with SANDBOX_FAKES_URL (README, "Scaling out"). Stops on SIGINT/SIGTERM.
 */

async function main(): Promise<void> {
  const logger = createLogger(loadConfig({ ...process.env, SANDBOX: 'true' }).logLevel);
  const running = await startStandaloneFakes(process.env, logger);
  const { info } = running.fakes;
  process.stdout.write(sandboxBanner({ demoPortal: info.demoPortal, links: fakesLinks(info) }, running.url));
  process.stdout.write(
    [
      `  ${FAKES_READY_LINE} ${running.url}`,
      `  Start the service processes with SANDBOX_FAKES_URL=${running.url}`,
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Sandbox fakes failed to start: ${oneLine(message)}\n`);
  process.exit(1);
});
