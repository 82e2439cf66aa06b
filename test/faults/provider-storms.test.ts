import { describe, expect, it } from 'vitest';
import { zoneInDaytime } from '../helpers/campaign-fixtures.js';
import { stressScaled } from '../helpers/stress.js';
import { faultRunFile } from './fault-file.js';
import { fakesInfo, finishAndCheck, seedFaultCampaign } from './fault-run.js';
import { readFaultRecords, retryAfterChecks, webhookFaultChecks } from './provider-records.js';
import { runStorms, type Storm, setFaults } from './storm-schedule.js';

/**
 * Provider storms on one web and two worker processes: ElevenLabs answering 429 (with Retry-After) and 5xx before
 * placing, answering slowly, failing conversation reads; HubSpot answering 429 (TEN_SECONDLY_ROLLING, Retry-After)
 * and 5xx on writes, some after the write landed; each switched on and off mid-run over the fakes' HTTP
 * switches. All along, webhooks are lost, duplicated (some late), reordered, and delayed past the service's own
 * look at the call. The run ends with the same records as any run, every Retry-After was waited out (from the
 * fakes' request times), and every late webhook found its call already ended and changed nothing.
 */

const CONTACTS = stressScaled(40, 110);
const ACCOUNT_CAP = 5;
const STORM_MS = stressScaled(5_000, 10_000);
/** A request sent before its process heard the 429 (or read the hold another process wrote) could not wait. */
const SLACK_MS = { dials: 1_500, reads: 300, hubspot: 750 };

const run = faultRunFile();

const storms = (step: number): Storm[] => [
  {
    name: 'ElevenLabs 429',
    afterDials: step,
    lastsMs: STORM_MS,
    elevenlabs: { rateLimitDial: { fraction: 1 }, retryAfterSeconds: 3 },
  },
  {
    name: 'ElevenLabs 5xx before placing',
    afterDials: 2 * step,
    lastsMs: STORM_MS,
    elevenlabs: { serverErrorBeforePlacing: { fraction: 1 }, serverErrorStatus: 503 },
  },
  {
    name: 'HubSpot 429',
    afterDials: 2 * step,
    lastsMs: 2 * STORM_MS,
    hubspot: { rateLimit: { fraction: 1 }, retryAfterSeconds: 2 },
    until: { fake: 'hubspot', faults: ['rateLimit'] },
  },
  {
    name: 'ElevenLabs slow and failing reads',
    afterDials: 3 * step,
    lastsMs: STORM_MS,
    elevenlabs: {
      dialResponseDelayMs: 2_000,
      readResponseDelayMs: 1_000,
      rateLimitRead: { fraction: 0.4 },
      serverErrorOnRead: { fraction: 0.3 },
    },
  },
  {
    name: 'HubSpot 5xx on writes',
    afterDials: 3 * step,
    lastsMs: 3 * STORM_MS,
    hubspot: {
      serverErrorBeforeWrite: { fraction: 0.25 },
      // `next: 1`: the first write the storm meets lands and is answered 5xx (unless a before-write fault takes it
      // first); left to the fraction alone, the few write-backs a storm meets could all escape it.
      serverErrorAfterWrite: { fraction: 0.5, next: 1 },
      responseDelayMs: 300,
    },
    // The nasty one must happen: a Calls create that landed, answered with a 5xx.
    until: { fake: 'hubspot', faults: ['serverErrorAfterWrite'] },
  },
];

describe('provider storms and unreliable webhooks', () => {
  it('ElevenLabs and HubSpot storms on and off mid-run; webhooks lost, duplicated, reordered, late', async () => {
    const db = run.db;
    const running = await run.startCluster({
      workers: 2,
      fakesEnv: { SANDBOX_TIME_SCALE: '0.03', SANDBOX_CONCURRENCY_LIMIT: '50' },
      serviceEnv: { ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP), UNKNOWN_DIAL_GRACE_MS: '5000' },
    });
    // Webhooks misbehave from the first call to the last; delayed ones by far more than the service's first look.
    await setFaults(running.fakesUrl, 'elevenlabs', {
      dropWebhook: { fraction: 0.1 },
      duplicateWebhook: { fraction: 0.15 },
      duplicateDelayMs: 4_000,
      reorderWebhook: { fraction: 0.15 },
      reorderMaxHoldMs: 5_000,
      delayWebhook: { fraction: 0.12 },
      webhookDelayMs: 20_000,
      webhookBeforeDialResponse: { fraction: 0.05 },
      serverErrorAfterPlacing: { fraction: 0.05 },
    });
    const campaign = await seedFaultCampaign(db.pool, await fakesInfo(running.fakesUrl), {
      contacts: CONTACTS,
      cap: 4,
      dialsPerSecond: 5,
      zones: [zoneInDaytime(Date.now())],
    });
    // Every storm while the campaign is still dialling: the last starts before half the contacts are rung.
    const raged = await runStorms(running.fakesUrl, storms(Math.max(3, Math.floor(CONTACTS / 8))));

    const { records, violations } = await finishAndCheck(
      db.pool,
      running.fakesUrl,
      [campaign],
      ACCOUNT_CAP,
      () => running.output(),
    );
    // Late webhooks still on their way when the run ended are waited for, so the check sees them land.
    const faults = await readFaultRecords(running.fakesUrl, { settle: true });
    const retryAfter = retryAfterChecks(faults, SLACK_MS);
    const late = await webhookFaultChecks(db.pool, faults);
    const fired = new Map<string, number>();
    for (const f of [...faults.elevenlabsFaults, ...faults.hubspotFaults])
      fired.set(f.fault, (fired.get(f.fault) ?? 0) + 1);
    console.log(
      `provider storms: ${JSON.stringify(raged.map((s) => [s.name, s.toMs - s.fromMs]))}; faults fired ` +
        `${JSON.stringify(Object.fromEntries(fired))}; ${records.dials.length} dials; late webhooks after the ` +
        `service ended the call itself: ${late.afterReconciliation}`,
    );
    expect(violations).toEqual([]);
    expect(retryAfter).toEqual([]);
    expect(late.violations).toEqual([]);
    // Each kind of fault actually happened in this run.
    for (const kind of [
      'rateLimitDial',
      'serverErrorBeforePlacing',
      'dropWebhook',
      'duplicateWebhook',
      'reorderWebhook',
      'delayWebhook',
      'rateLimit',
    ])
      expect(fired.get(kind) ?? 0, kind).toBeGreaterThan(0);
    expect(
      (fired.get('serverErrorBeforeWrite') ?? 0) + (fired.get('serverErrorAfterWrite') ?? 0),
    ).toBeGreaterThan(0);
    expect(late.afterReconciliation).toBeGreaterThan(0);
  }, 900_000);
});
