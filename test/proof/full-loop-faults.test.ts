import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../service/src/sandbox/deterministic.js';
import { runStorms, type Storm, setFaults } from '../faults/storm-schedule.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { readDials } from '../helpers/fakes-record.js';
import type { Cluster } from '../helpers/scale-out-cluster.js';
import { STRESS, stressScaled } from '../helpers/stress.js';
import { waitUntil } from '../helpers/wait.js';
import { runFullLoop } from './full-loop.js';
import { checkInvariants, describeReport } from './invariants.js';
import { CLOCK_START, loopPlan } from './loop-plan.js';

/**
 * The full loop (OAuth installs, the signed /api, workflow enrolments, an accelerated day across a DST change, one
 * web and two worker processes) with faults thrown at it while it runs, ending with the same invariant checker as
 * the clean run: workers SIGKILLed at random moments and replaced; webhooks lost, duplicated, reordered and
 * delayed the whole run; ElevenLabs 5xx and 429 storms and slow answers, HubSpot 429 and 5xx storms, each switched
 * on and off mid-run. (Postgres restarts, the Retry-After timing and a clock jump have their own runs in
 * test/faults/, on the real-time clock those checks need.)
 */

const KILLS = stressScaled(4, 20);
const SEED = Number(process.env.FAULT_SEED ?? 20270314);
/** Real time between kills, seeded so a failing run can be replayed. */
const GAP_MS = { min: 500, max: 2_000 };
/**
 * A kill per this many dials: the quick run makes about 145 (4 kills by dial 100), the full one about 1,045 (20
 * kills by dial 900). At 60 per kill the full form's 18th kill waited for a 1,080th dial that never came.
 */
const DIALS_PER_KILL = stressScaled(25, 45);
const REAL_DIAL_LAG_MS = 2_000;

const STORMS: readonly Storm[] = [
  {
    name: 'ElevenLabs 5xx and slow dials',
    afterDials: 10,
    lastsMs: 4_000,
    elevenlabs: {
      serverErrorBeforePlacing: { fraction: 0.3 },
      serverErrorAfterPlacing: { fraction: 0.1 },
      dialResponseDelayMs: 800,
    },
  },
  {
    name: 'ElevenLabs 429s',
    afterDials: 25,
    lastsMs: 3_000,
    elevenlabs: { rateLimitDial: { fraction: 0.5 }, rateLimitRead: { fraction: 0.5 }, retryAfterSeconds: 1 },
  },
  {
    name: 'HubSpot 429s and 5xx',
    afterDials: 40,
    lastsMs: 5_000,
    hubspot: {
      rateLimit: { fraction: 0.5 },
      serverErrorBeforeWrite: { fraction: 0.2 },
      serverErrorAfterWrite: { fraction: 0.2 },
      retryAfterSeconds: 1,
    },
  },
];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/**
 * Kills a random worker (SIGKILL) and starts a fresh one in its place, `kills` times: each kill once the run has
 * made `dialsPerKill` more dials (so workers die while they dial, not while the clock waits for a window to open),
 * a few random seconds after that.
 */
async function killStorm(
  cluster: Cluster,
  kills: number,
  dialsPerKill: number,
  random: () => number,
): Promise<number[]> {
  const atDials: number[] = [];
  while (atDials.length < kills) {
    const due = (atDials.length + 1) * dialsPerKill;
    await waitUntil(async () => (await readDials(cluster.fakesUrl)).length >= due, {
      timeoutMs: 600_000,
      intervalMs: 250,
      what: `${due} dials before kill ${atDials.length + 1}`,
    });
    await new Promise((resolve) => setTimeout(resolve, GAP_MS.min + random() * (GAP_MS.max - GAP_MS.min)));
    const slot = Math.floor(random() * cluster.workers.length);
    const victim = cluster.workers[slot];
    if (!victim) continue;
    atDials.push((await readDials(cluster.fakesUrl)).length);
    victim.kill('SIGKILL');
    await victim.exited;
    const fresh = cluster.replaceWorker(slot);
    // The next kill waits for this one to be up: a storm of half-started workers would test start-up alone.
    await fresh.ready;
  }
  return atDials;
}

describe(`the full loop under faults, ${STRESS ? 'full' : 'quick'} form`, () => {
  it(`keeps every invariant with ${KILLS} workers killed, provider storms and misbehaving webhooks`, async () => {
    const random = mulberry32(SEED);
    let killedAt: number[] = [];
    let storms: { name: string }[] = [];
    const result = await runFullLoop({
      databaseUrl: db.url,
      clockStart: CLOCK_START,
      workers: 2,
      realDialLagMs: REAL_DIAL_LAG_MS,
      ...loopPlan(),
      // Slower than the clean run's clock: kills and storms cost real seconds, and at its speed they pushed
      // Monday's calls to the next Sunday, past the 7 days a workflow callback lives (they expired, unsent).
      speed: stressScaled(400, 300),
      whileRunning: async (cluster) => {
        // The whole run: a tenth of webhooks lost, duplicated late, or held behind a later call's; some delayed.
        await setFaults(cluster.fakesUrl, 'elevenlabs', {
          dropWebhook: { fraction: 0.1 },
          duplicateWebhook: { fraction: 0.1 },
          reorderWebhook: { fraction: 0.1 },
          delayWebhook: { fraction: 0.05 },
          webhookDelayMs: 3_000,
          duplicateDelayMs: 1_000,
        });
        const [kills, raged] = await Promise.all([
          killStorm(cluster, KILLS, DIALS_PER_KILL, random),
          runStorms(cluster.fakesUrl, STORMS),
        ]);
        killedAt = kills;
        storms = raged;
      },
      log: (line) => console.log(`full loop under faults: ${line}`),
    });
    const report = checkInvariants(result.records, result.inputs);
    console.log(
      `full loop under faults (seed ${SEED}): ${killedAt.length} kills at dials ${killedAt.join(',')}; storms ` +
        `${storms.map((s) => s.name).join(', ')}; ${result.records.dials.length} dials, ` +
        `${result.records.engagements.length} engagements, ${result.records.completions.length} completions; ` +
        `${(result.runMs / 1000).toFixed(0)} s real`,
    );
    expect(report.violations, describeReport(report)).toEqual([]);
    // The faults hit a running loop: kills while it still dialled, and the loop still finished every campaign.
    expect(killedAt.length).toBe(KILLS);
    expect(killedAt.every((dials) => dials > 0 && dials < result.records.dials.length)).toBe(true);
    expect(storms).toHaveLength(STORMS.length);
  }, 1_800_000);
});
