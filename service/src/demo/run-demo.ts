// `npm run demo`: a whole sandbox campaign from HubSpot list to HubSpot write-back, time-scaled, in about a minute.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { campaignStats, createCampaign, findCampaign, startCampaign } from '../campaigns/index.js';
import { loadConfig } from '../config/config.js';
import { shiftedClock } from '../core/clock.js';
import { createLogger } from '../logger.js';
import { startService } from '../runtime.js';
import { printSummary, progressLine } from './demo-report.js';

/** Calls may only happen in each donor's daytime: the demo runs the engine at 13:00 Central on the next Tuesday. */
function nextTuesdayAfternoonCentral(now = new Date()): number {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() !== 2);
  // 13:00 America/Chicago is 19:00 UTC in winter, 18:00 in summer.
  const probe = new Date(day.getTime() + 19 * 3_600_000);
  const chicagoHour = Number(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Chicago',
      hour: 'numeric',
      hourCycle: 'h23',
    }).format(probe),
  );
  return probe.getTime() - (chicagoHour - 13) * 3_600_000;
}

async function main(): Promise<void> {
  const dataDir = path.resolve('.data/demo');
  await rm(dataDir, { recursive: true, force: true });
  const startAt = nextTuesdayAfternoonCentral();
  const clock = shiftedClock(startAt);
  const config = loadConfig({
    ...process.env,
    SANDBOX: 'true',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
  });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const service = await startService({
    config,
    logger,
    clock,
    sandboxTimeScale: 0.01,
    sandboxOptions: { concurrencyLimit: 20 },
    engineSettings: { accountConcurrencyCap: 20, dispatchIntervalMs: 500 },
  });
  const sandbox = service.integrations.sandbox!;
  const { portalId, agentId, phoneNumberId, lists } = sandbox.demoPortal;
  const list = lists.find((l) => l.name === 'Spring appeal donors') ?? lists[0]!;
  const started = Date.now();
  process.stdout.write(
    [
      '',
      `  Demo: "${list.name}" (${list.size} contacts) from the sandbox HubSpot portal, called by the sandbox ElevenLabs.`,
      `  Simulated local time: ${new Date(startAt).toLocaleString('en-US', { timeZone: 'America/Chicago', dateStyle: 'full', timeStyle: 'short' })} Central; calls play 100x faster.`,
      `  Watch it live: ${service.url}/__sandbox`,
      '',
    ].join('\n'),
  );

  try {
    const campaign = await createCampaign(service.engine, portalId, {
      name: 'Spring appeal (demo)',
      listId: list.listId,
      agentId,
      phoneNumberId,
      window: { days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '20:00' },
      concurrencyCap: 20,
      dialsPerSecond: 10,
      // Short retry delays so retries happen within the demo; a real campaign waits hours.
      retryPolicy: {
        no_answer: { delayMinutes: 1, maxAttempts: 2 },
        busy: { delayMinutes: 1, maxAttempts: 2 },
      },
    });
    while ((await findCampaign(service.pool, portalId, campaign.id))?.status === 'importing')
      await sleep(200);
    const imported = await findCampaign(service.pool, portalId, campaign.id);
    process.stdout.write(
      `  Imported ${imported?.importDone ?? 0} of ${imported?.importTotal ?? 0} list members.\n`,
    );
    await startCampaign(service.engine, portalId, campaign.id);

    for (;;) {
      const stats = await campaignStats(service.pool, portalId, campaign.id, clock.now());
      const status = (await findCampaign(service.pool, portalId, campaign.id))?.status;
      const pendingWrites = Number(
        (await service.pool.query(`SELECT count(*)::int AS n FROM crm_writes WHERE status <> 'done'`)).rows[0]
          .n,
      );
      process.stdout.write(`\r${progressLine(stats, pendingWrites, Date.now() - started)}`);
      if (status === 'completed' && pendingWrites === 0) break;
      if (Date.now() - started > 5 * 60_000) throw new Error('the demo did not finish within 5 minutes');
      await sleep(500);
    }
    process.stdout.write('\n');
    const stats = await campaignStats(service.pool, portalId, campaign.id, clock.now());
    printSummary(stats, sandbox, Date.now() - started);
  } finally {
    await service.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
