import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../service/src/sandbox/deterministic.js';
import { zoneInDaytime } from '../helpers/campaign-fixtures.js';
import { readDials } from '../helpers/fakes-record.js';
import { stressScaled } from '../helpers/stress.js';
import { waitUntil } from '../helpers/wait.js';
import { faultRunFile } from './fault-file.js';
import { type FaultCampaign, fakesInfo, finishAndCheck, seedFaultCampaign } from './fault-run.js';

/**
 * Kill storm: while a campaign runs on one web and two worker processes, workers are killed with SIGKILL at random
 * moments (mid-claim, mid-dial, mid-webhook processing, mid-write-back, while still starting up) and each is
 * replaced at once by a fresh one, so capacity comes back. At least 20 kills under STRESS=1 (5 in `npm test`).
 * The run must still end as any other: from the fakes' records, no attempt dialled twice, no cap exceeded, every
 * call ended and on HubSpot's timeline exactly once, every contact finished.
 */

const KILLS = stressScaled(5, 24);
/**
 * Enough contacts that the campaign outlasts the storm: each kill waits for a worker to be ready again, so on a
 * loaded machine the 24 kills take longer. At 150 the storm once ended at kill 23 (the campaign had finished);
 * at 300 the campaign runs about twice as long.
 */
const CONTACTS = stressScaled(40, 300);
const ACCOUNT_CAP = 5;
/** Seconds between kills: uniformly random in this range (seeded, so a failing run can be replayed). */
const GAP_MS = { min: 1_500, max: 6_000 };
const SEED = Number(process.env.FAULT_SEED ?? 20261101);
/** The share of kills that hit a worker still starting up rather than one at work. */
const START_UP_KILLS = 0.2;

const run = faultRunFile();

describe('worker processes killed at random points', () => {
  it(`${KILLS} SIGKILLs of workers mid-run, each replaced: the records stay exactly-once and within caps`, async () => {
    const random = mulberry32(SEED);
    const db = run.db;
    const running = await run.startCluster({
      workers: 2,
      fakesEnv: { SANDBOX_TIME_SCALE: '0.03', SANDBOX_CONCURRENCY_LIMIT: '50' },
      serviceEnv: { ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP), UNKNOWN_DIAL_GRACE_MS: '5000' },
    });
    const info = await fakesInfo(running.fakesUrl);
    const campaign: FaultCampaign = await seedFaultCampaign(db.pool, info, {
      contacts: CONTACTS,
      cap: 4,
      dialsPerSecond: 5,
      zones: [zoneInDaytime(Date.now())],
    });

    const ready = new WeakSet<object>();
    for (const w of running.workers)
      void w.ready.then(
        () => ready.add(w),
        () => {},
      );
    const kills: { slot: number; wasReady: boolean; dials: number }[] = [];
    const completed = async () =>
      (await db.pool.query(`SELECT status FROM campaigns WHERE id = $1`, [campaign.id])).rows[0]?.status ===
      'completed';
    while (kills.length < KILLS) {
      // Mostly a worker at work (placing, recording, writing back); now and then one still starting up. The gap
      // is counted from when a worker is ready, so each one killed at work has had a moment to pick work up.
      const duringStartUp = random() < START_UP_KILLS;
      if (!duringStartUp) {
        await waitUntil(() => running.workers.some((w) => ready.has(w)), {
          timeoutMs: 120_000,
          what: 'a worker to be ready',
        });
      }
      await new Promise((r) => setTimeout(r, GAP_MS.min + random() * (GAP_MS.max - GAP_MS.min)));
      if (await completed()) break;
      const candidates = running.workers
        .map((w, slot) => ({ w, slot }))
        .filter(({ w }) => duringStartUp || ready.has(w));
      const pick = candidates[Math.floor(random() * candidates.length)];
      if (!pick) continue;
      const { w: victim, slot } = pick;
      kills.push({ slot, wasReady: ready.has(victim), dials: (await readDials(running.fakesUrl)).length });
      victim.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      const fresh = running.replaceWorker(slot);
      void fresh.ready.then(
        () => ready.add(fresh),
        () => {},
      );
    }
    // The storm must have hit a running campaign: a campaign that finished first proves nothing.
    expect(kills.length, 'the campaign completed before the kill storm was over').toBe(KILLS);
    await Promise.all(running.workers.map((w) => w.ready));
    // (A worker killed before it was ready rejected its own ready: only the ones running now are awaited.)

    const started = Date.now();
    const { records, violations } = await finishAndCheck(
      db.pool,
      running.fakesUrl,
      [campaign],
      ACCOUNT_CAP,
      () => running.output(),
    );
    const byStatus = new Map<string, number>();
    for (const s of records.attempts.values()) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    console.log(
      `kill storm (seed ${SEED}): ${kills.length} kills (${kills.filter((k) => k.wasReady).length} of running ` +
        `workers, the rest mid-start-up) at dials ${kills.map((k) => k.dials).join(',')}; ` +
        `${running.everyWorker.length} worker processes in all; ${records.dials.length} dials, attempts ` +
        `${JSON.stringify(Object.fromEntries(byStatus))}; ${((Date.now() - started) / 1000).toFixed(0)} s from ` +
        'the last kill to the end',
    );
    expect(violations).toEqual([]);
    expect(kills.filter((k) => k.wasReady).length).toBeGreaterThan(0);
    // The web process and the fakes lived through it all.
    for (const p of [running.web, running.fakes]) expect(p.pid && process.kill(p.pid, 0)).toBe(true);
  }, 900_000);
});
