import type { PgBoss } from 'pg-boss';
import * as q from '../../service/src/campaigns/dispatch/queries.js';
import type { ServiceDeps } from '../../service/src/core/deps.js';
import { createPool, type Pool } from '../../service/src/db/pool.js';
import { createLogger } from '../../service/src/logger.js';
import { TUESDAY_AFTERNOON_NY } from '../helpers/campaign-fixtures.js';
import { engineDeps, ManualClock } from '../helpers/engine.js';
import { type Benchmark, type Figure, type Headline, ms, summarise, type Target } from './bench-types.js';
import { benchPostmaster, type CpuSplit, cpuFigures, describeCpu, withCpuSplit } from './cpu-split.js';
import { measureTicks, type TickSamples } from './dispatcher-measure.js';
import { addDialsToday, seedCampaigns } from './dispatcher-seed.js';
import { StatementTimer } from './statement-timer.js';

const SHAPE = { portals: 10, campaigns: 100, contactsPerCampaign: 10_000, concurrencyCap: 10 };
const SLOTS = 100;
const WARM_UP_TICKS = 5;
const MEASURED_TICKS = 50;
/** Dials already made today per campaign in the second phase: 50,000 in all, a busy day at 100 slots. */
const DIALS_TODAY_PER_CAMPAIGN = 500;
const TARGET_MS = 50;

export const dispatcherBenchmark: Benchmark = {
  name: 'dispatcher',
  description: 'dispatchTick() with 1,000,000 queued, due contacts over 100 active campaigns, 100 free slots',
  async run(ctx) {
    const db = await ctx.createDatabase();
    const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
    const at = new Date(clock.now());
    // The dispatcher gets a pool of its own, so the statement timer sees its statements and nothing else.
    const tickPool = createPool(db.url, createLogger('silent'), 2);
    let boss: PgBoss | undefined;
    try {
      const total = SHAPE.campaigns * SHAPE.contactsPerCampaign;
      ctx.log(`seeding ${total.toLocaleString('en-US')} contacts over ${SHAPE.campaigns} campaigns`);
      const seedStarted = performance.now();
      const seeded = await seedCampaigns(db.pool, SHAPE, at);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      ctx.log(`seeded in ${seedSeconds.toFixed(1)} s (including VACUUM ANALYZE)`);

      const deps = await engineDeps(db, {
        clock,
        settings: { accountConcurrencyCap: SLOTS, frequencyCapPer24h: 3 },
      });
      boss = deps.boss;
      const timer = new StatementTimer(q);
      const timed: ServiceDeps = { ...deps, pool: timer.wrap(tickPool) };
      const measure = () =>
        measureTicks({
          deps: timed,
          timer,
          sidePool: db.pool,
          slots: SLOTS,
          warmUp: WARM_UP_TICKS,
          measured: MEASURED_TICKS,
          someCampaign: seeded.campaignIds[0] ?? '',
        });

      const postmaster = await benchPostmaster(db.pool);
      ctx.log(`fresh: ${WARM_UP_TICKS} warm-up ticks, then ${MEASURED_TICKS} measured`);
      const { value: fresh, cpu: freshCpu } = await withCpuSplit(postmaster, measure);
      await addDialsToday(db.pool, DIALS_TODAY_PER_CAMPAIGN, at);
      const dials = await dialsSoFar(db.pool);
      ctx.log(`busy day: ${dials.toLocaleString('en-US')} dials today so far; measuring again`);
      const { value: busy, cpu: busyCpu } = await withCpuSplit(postmaster, measure);

      const server = await serverSettings(db.pool);
      const busyLabel = `after ${dials.toLocaleString('en-US')} dials today`;
      return {
        figures: [
          { label: 'contacts seeded (queued, due)', value: seeded.contacts, unit: 'rows' },
          { label: 'seeding incl. VACUUM ANALYZE', value: Math.round(seedSeconds * 10) / 10, unit: 's' },
          ...phaseFigures('fresh', fresh),
          ...cpuFigures('fresh', freshCpu),
          ...phaseFigures('busy day', busy),
          ...cpuFigures('busy day', busyCpu),
        ],
        headlines: [
          ...phaseHeadlines('fresh', fresh, freshCpu),
          ...phaseHeadlines(`busy day (${dials.toLocaleString('en-US')} dials today)`, busy, busyCpu),
        ],
        targets: [claimsTarget('fresh', fresh), claimsTarget(busyLabel, busy)],
        notes: [
          `${SHAPE.campaigns} active campaigns in ${SHAPE.portals} portals, ${SHAPE.contactsPerCampaign} queued contacts ` +
            'each over 4 US zones, due times spread over the previous day; window every day 08:00-21:00; ' +
            'engine clock fixed at Tue 2026-12-01 15:00 New York.',
          `Account cap ${SLOTS}, campaign cap ${SHAPE.concurrencyCap}, 50 dials/s per caller number: every tick ` +
            `has ${SLOTS} slots, one per campaign, and pacing never limits.`,
          'Timed: the whole dispatchTick() call (one transaction: lock, campaigns, probe, claim, phone checks, ' +
            'attempts, pg-boss insert, commit). Untimed between ticks: the claimed calls end (attempt ended, ' +
            'contact done) and the placement jobs are deleted, so the job table does not grow.',
          `"busy day" repeats the measurement after ${DIALS_TODAY_PER_CAMPAIGN} ended attempts per campaign dialled ` +
            'earlier today (what the daily-cap count reads), plus the fresh phase’s own.',
          'Baselines, interleaved with the ticks: a bare SELECT ... FOR UPDATE SKIP LOCKED LIMIT 100 on one ' +
            'campaign (rolled back), a pg-boss insert of 100 jobs in a transaction, one SELECT 1 round trip.',
          `A target fails if any measured tick claimed fewer than ${SLOTS} contacts.`,
          `Server: ${Object.entries(server)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}.`,
        ],
        details: { fresh: phaseDetails(fresh), busyDay: phaseDetails(busy), server },
      };
    } finally {
      await boss?.stop({ graceful: false, timeout: 1000 });
      await tickPool.end();
      await db.drop();
    }
  },
};

function phaseFigures(phase: string, s: TickSamples): Figure[] {
  const tick = summarise(s.tick);
  const bare = summarise(s.bareClaim).median;
  const boss = summarise(s.bossInsert).median;
  const statements = [...s.statements]
    .map(([name, spent]) => ({ name, median: summarise(spent).median }))
    .sort((a, b) => b.median - a.median)
    .map((st) => ({ label: `${phase}:   ${st.name} (median)`, value: ms(st.median), unit: 'ms' }));
  return [
    { label: `${phase}: ticks measured (after warm-up)`, value: s.tick.length, unit: 'ticks' },
    { label: `${phase}: claims per tick (median)`, value: summarise(s.claims).median, unit: 'claims' },
    { label: `${phase}: claims per tick (min)`, value: Math.min(...s.claims), unit: 'claims' },
    { label: `${phase}: tick median`, value: ms(tick.median), unit: 'ms' },
    { label: `${phase}: tick p95`, value: ms(tick.p95), unit: 'ms' },
    { label: `${phase}: tick max`, value: ms(tick.max), unit: 'ms' },
    ...statements,
    { label: `${phase}: baseline bare claim of 100 (median)`, value: ms(bare), unit: 'ms' },
    { label: `${phase}: baseline pg-boss insert of 100 (median)`, value: ms(boss), unit: 'ms' },
    { label: `${phase}: baseline SELECT 1 (median)`, value: ms(summarise(s.roundTrip).median), unit: 'ms' },
    {
      label: `${phase}: tick / (bare claim + pg-boss insert)`,
      value: ms(tick.median / (bare + boss)),
      unit: 'x',
    },
  ];
}

/** The tick's median (with the goal) and p95 (for context), beside its two essential statements run bare. */
function phaseHeadlines(phase: string, s: TickSamples, cpu: CpuSplit): Headline[] {
  const tick = summarise(s.tick);
  const bare = summarise(s.bareClaim).median + summarise(s.bossInsert).median;
  const baseline = {
    value: ms(bare),
    unit: 'ms',
    what: `bare claim of ${SLOTS} + pg-boss insert of ${SLOTS}, medians`,
    source: 'same run',
  } as const;
  const slowest = [...s.statements]
    .map(([name, spent]) => ({ name, median: summarise(spent).median }))
    .sort((a, b) => b.median - a.median)
    .slice(0, 3)
    .map((st) => `${st.name} ${ms(st.median)} ms`);
  return [
    {
      figure: 'dispatcher-tick',
      part: `median, ${phase}`,
      measured: ms(tick.median),
      unit: 'ms',
      baseline,
      comparison: `${ms(tick.median / bare)}x the bare statements`,
      goal: `< ${TARGET_MS} ms`,
      pass: tick.median < TARGET_MS,
      evidence: `slowest statements (medians): ${slowest.join(', ')}; while measuring, ${describeCpu(cpu)}`,
    },
    {
      figure: 'dispatcher-tick',
      part: `p95, ${phase}`,
      measured: ms(tick.p95),
      unit: 'ms',
      baseline,
      comparison: `${ms(tick.p95 / bare)}x; max ${ms(tick.max)} ms`,
      goal: '— (the goal is on the median)',
      pass: null,
    },
  ];
}

/** Every measured tick filled its slots: a fast tick that claims less would be no tick at all. */
function claimsTarget(phase: string, s: TickSamples): Target {
  const fewest = Math.min(...s.claims);
  return {
    label: `${phase}: slots left unclaimed by the emptiest measured tick`,
    measured: SLOTS - fewest,
    limit: 0,
    unit: 'slots',
    relation: '<=',
    pass: fewest === SLOTS,
  };
}

function phaseDetails(s: TickSamples): Record<string, unknown> {
  return {
    tickMs: s.tick.map(ms),
    claims: s.claims,
    tick: summarise(s.tick),
    statementMedianMs: Object.fromEntries(
      [...s.statements].map(([name, spent]) => [name, ms(summarise(spent).median)]),
    ),
    baselines: {
      bareClaim: summarise(s.bareClaim),
      bossInsert: summarise(s.bossInsert),
      roundTrip: summarise(s.roundTrip),
    },
  };
}

async function dialsSoFar(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM call_attempts');
  return rows[0]?.n ?? 0;
}

async function serverSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers',
            'work_mem', 'fsync', 'synchronous_commit']) AS name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}
