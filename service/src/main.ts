import { ConfigError, loadConfig } from './config/config.js';
import { oneLine } from './db/first-run.js';
import { createLogger } from './logger.js';
import { DEAD_LETTERS_PATH, JOB_DASHBOARD_PATH } from './ops/index.js';
import { type RunningService, startService } from './runtime.js';
import { fakesLinks, sandboxBanner } from './sandbox/index.js';

/** Entry point of `npm start`: parse config, start, print where to look, stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  const service = await startService({ config, logger });
  logger.info(
    { url: service.url, health: `${service.url}/healthz`, ready: `${service.url}/readyz` },
    'service ready',
  );
  const fakes = service.integrations.sandboxFakes;
  if (fakes) {
    const view = { demoPortal: fakes.info.demoPortal, links: fakesLinks(fakes.info) };
    // A worker has no URL of its own: its links go straight to the fakes.
    process.stdout.write(sandboxBanner(view, service.url === '' ? undefined : service.url));
  }
  process.stdout.write(
    [
      '',
      ...(service.url === ''
        ? ['  Worker      jobs and loops only (SERVICE_ROLE=worker), no HTTP']
        : [
            `  Service     ${service.url}`,
            `  Health      ${service.url}/healthz`,
            `  Readiness   ${service.url}/readyz`,
          ]),
      ...opsLines(service),
      '',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stoppingSince = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince > 0) {
      // A Ctrl-C reaches us both from the terminal and forwarded by npm: only a later, deliberate one forces exit.
      if (Date.now() - stoppingSince < 1_000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    // Hard stop a little after the graceful budget (jobs drain, then HTTP closes), whatever is still hanging.
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 4_000).unref();
    service
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/**
 * Where the ops pages and the job dashboard are (both behind the ops login); a password generated for this sandbox
 * run is shown here, never in the logs.
 */
function opsLines(service: RunningService): string[] {
  const { credentials, metricsUrl } = service.ops;
  const lines: string[] = [];
  if (credentials !== null) {
    lines.push(`  Ops         ${service.url}/ops   ${service.url}/metrics`);
    lines.push(`  Jobs        ${service.url}${JOB_DASHBOARD_PATH} (job dashboard)`);
    lines.push(`              ${service.url}/ops${DEAD_LETTERS_PATH} (dead letters, redrive)`);
    if (credentials.generated)
      lines.push(
        `              login: user ${credentials.user}, password ${credentials.password} (generated for this run)`,
      );
  }
  if (metricsUrl !== null) lines.push(`  Metrics     ${metricsUrl} (no login, loopback only)`);
  return lines;
}

main().catch((error: unknown) => {
  // One line, never a stack trace: a StartupError names the folder or setting and the fix.
  process.stderr.write(
    `Start-up failed: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
