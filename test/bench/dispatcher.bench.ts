import type { PgBoss } from 'pg-boss';
import * as q from '../../service/src/campaigns/dispatch/dispatch-queries.js';
import { dispatchTick } from '../../service/src/campaigns/dispatch/dispatch-tick.js';
import type { EngineDeps } from '../../service/src/campaigns/engine-deps.js';
import { PLACE_CALL_QUEUE } from '../../service/src/campaigns/placement/placement-queue.js';
import type { Pool } from '../../service/src/db/pool.js';
import { TUESDAY_AFTERNOON_NY } from '../helpers/campaign-fixtures.js';
import { engineDeps, ManualClock } from '../helpers/engine.js';
import { type Benchmark, type BenchResult, type Figure, ms, summarise } from './bench-types.js';
import { timeBareClaim, timeBossInsert, timeRoundTrip } from './dispatcher-baselines.js';
import { seedCampaigns } from './dispatcher-seed.js';
import { StatementTimer } from './statement-timer.js';

const SHAPE = { portals: 10, campaigns: 100, contactsPerCampaign: 10_000, concurrencyCap: 10 };
const SLOTS = 100;
const WARM_UP_TICKS = 5;
const MEASURED_TICKS = 50;
const TARGET_MS = 50;

/**
 * The untimed step between ticks: the calls of the last tick "end" (attempt ended, contact done), so the next
 * tick finds all 100 slots free again, and its placement jobs are deleted so pg-boss's job table stays the same
 * size from tick to tick (in production the placement workers take them at once).
 */
const END_CLAIMED_CALLS = `
  WITH ended AS (
    UPDATE call_attempts
       SET status = 'ended', dial_started_at = claimed_at, placed_at = claimed_at, ended_at = $1,
           outcome = 'no_answer', updated_at = $1
     WHERE status = 'claimed'
     RETURNING campaign_contact_id)
  UPDATE campaign_contacts
     SET state = 'done', last_outcome = 'no_answer', attempts = attempts + 1, last_attempt_at = $1,
         next_attempt_at = NULL, updated_at = $1
   WHERE id IN (SELECT campaign_contact_id FROM ended)`;

async function freeSlots(pool: Pool, boss: PgBoss, at: Date): Promise<void> {
  await pool.query(END_CLAIMED_CALLS, [at]);
  await boss.deleteAllJobs(PLACE_CALL_QUEUE.name);
}

interface Samples {
  tick: number[];
  claims: number[];
  bareClaim: number[];
  bossInsert: number[];
  roundTrip: number[];
  statements: Map<string, number[]>;
}

export const dispatcherBenchmark: Benchmark = {
  name: 'dispatcher',
  description:
    'dispatchTick() claim cost with 1,000,000 queued, due contacts over 100 active campaigns, 100 free slots',
  async run(ctx) {
    const db = await ctx.createDatabase();
    const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
    const at = new Date(clock.now());
    let boss: PgBoss | undefined;
    try {
      const total = SHAPE.campaigns * SHAPE.contactsPerCampaign;
      ctx.log(`seeding ${total.toLocaleString('en-US')} contacts over ${SHAPE.campaigns} campaigns`);
      const seedStarted = performance.now();
      const seeded = await seedCampaigns(db.pool, SHAPE, at);
      const seedMs = performance.now() - seedStarted;
      ctx.log(`seeded in ${(seedMs / 1000).toFixed(1)} s (including VACUUM ANALYZE)`);

      const deps = await engineDeps(db, {
        clock,
        settings: { accountConcurrencyCap: SLOTS, frequencyCapPer24h: 3 },
      });
      boss = deps.boss;
      const timer = new StatementTimer(q);
      const timed: EngineDeps = { ...deps, pool: timer.wrap(db.pool) };
      const someCampaign = seeded.campaignIds[0] ?? '';

      const samples: Samples = {
        tick: [],
        claims: [],
        bareClaim: [],
        bossInsert: [],
        roundTrip: [],
        statements: new Map(),
      };
      ctx.log(`${WARM_UP_TICKS} warm-up ticks, then ${MEASURED_TICKS} measured`);
      for (let i = 0; i < WARM_UP_TICKS + MEASURED_TICKS; i++) {
        timer.take(); // drop whatever the untimed steps ran through the same pool
        const started = performance.now();
        const result = await dispatchTick(timed);
        const elapsed = performance.now() - started;
        const breakdown = timer.take();
        await freeSlots(db.pool, deps.boss, at);
        const bareClaim = await timeBareClaim(db.pool, someCampaign, SLOTS, at);
        const bossInsert = await timeBossInsert(db.pool, deps.boss, SLOTS);
        const roundTrip = await timeRoundTrip(db.pool);
        if (i < WARM_UP_TICKS) continue;
        samples.tick.push(elapsed);
        samples.claims.push(result.claimed);
        samples.bareClaim.push(bareClaim);
        samples.bossInsert.push(bossInsert);
        samples.roundTrip.push(roundTrip);
        for (const [name, spent] of breakdown) {
          samples.statements.set(name, [...(samples.statements.get(name) ?? []), spent]);
        }
      }
      return report(samples, seedMs, seeded.contacts, await serverSettings(db.pool));
    } finally {
      await boss?.stop({ graceful: false, timeout: 1000 });
      await db.drop();
    }
  },
};

function report(
  samples: Samples,
  seedMs: number,
  contacts: number,
  server: Record<string, string>,
): BenchResult {
  const tick = summarise(samples.tick);
  const bare = summarise(samples.bareClaim);
  const boss = summarise(samples.bossInsert);
  const trip = summarise(samples.roundTrip);
  const claims = summarise(samples.claims);
  const minClaims = Math.min(...samples.claims);
  const statements: Figure[] = [...samples.statements]
    .map(([name, spent]) => ({ name, median: summarise(spent).median }))
    .sort((a, b) => b.median - a.median)
    .map((s) => ({ label: `  of which ${s.name} (median)`, value: ms(s.median), unit: 'ms' }));
  return {
    figures: [
      { label: 'contacts seeded (queued, due)', value: contacts, unit: 'rows' },
      { label: 'seeding incl. VACUUM ANALYZE', value: Math.round(seedMs / 100) / 10, unit: 's' },
      { label: 'ticks measured (after warm-up)', value: samples.tick.length, unit: 'ticks' },
      { label: 'claims per tick (median)', value: claims.median, unit: 'claims' },
      { label: 'claims per tick (min)', value: minClaims, unit: 'claims' },
      { label: 'tick median', value: ms(tick.median), unit: 'ms' },
      { label: 'tick p95', value: ms(tick.p95), unit: 'ms' },
      { label: 'tick max', value: ms(tick.max), unit: 'ms' },
      ...statements,
      { label: 'baseline: bare claim of 100 (median)', value: ms(bare.median), unit: 'ms' },
      { label: 'baseline: pg-boss insert of 100 (median)', value: ms(boss.median), unit: 'ms' },
      { label: 'baseline: one round trip (median)', value: ms(trip.median), unit: 'ms' },
      {
        label: 'tick / (bare claim + pg-boss insert)',
        value: ms(tick.median / (bare.median + boss.median)),
        unit: 'x',
      },
    ],
    targets: [
      {
        label: `tick median at ${SLOTS} slots`,
        measured: ms(tick.median),
        limit: TARGET_MS,
        unit: 'ms',
        pass: tick.median < TARGET_MS && minClaims === SLOTS,
      },
    ],
    notes: [
      `${SHAPE.campaigns} active campaigns in ${SHAPE.portals} portals, ${SHAPE.contactsPerCampaign} contacts each ` +
        '(4 US zones), window every day 08:00-21:00; engine clock fixed at Tue 2026-12-01 15:00 New York.',
      `Settings: account cap ${SLOTS}, campaign cap ${SHAPE.concurrencyCap}, 50 dials/s per caller number, so ` +
        `every tick has ${SLOTS} slots spread over the campaigns and pacing never limits.`,
      'Timed: the whole dispatchTick() call (one transaction: lock, campaigns, probe, claim, phone checks, ' +
        'attempts, pg-boss insert, commit). Untimed between ticks: claimed calls marked ended and contacts ' +
        'done, placement jobs deleted (so the job table does not grow).',
      'The target fails too if any measured tick claimed fewer than 100 contacts.',
      `Server: ${Object.entries(server)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.`,
    ],
    details: {
      tickMs: samples.tick.map(ms),
      claims: samples.claims,
      statementMedianMs: Object.fromEntries(
        [...samples.statements].map(([name, spent]) => [name, ms(summarise(spent).median)]),
      ),
      baselines: { bareClaim: bare, bossInsert: boss, roundTrip: trip },
      server,
    },
  };
}

async function serverSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers',
            'work_mem', 'fsync', 'synchronous_commit']) AS name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}
