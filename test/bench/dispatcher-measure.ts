import { dispatchTick } from '../../service/src/campaigns/dispatch/dispatch-tick.js';
import { PLACE_CALL_QUEUE } from '../../service/src/campaigns/placement/placement-queue.js';
import type { ServiceDeps } from '../../service/src/core/deps.js';
import type { Pool } from '../../service/src/db/pool.js';
import { timeBareClaim, timeBossInsert, timeRoundTrip } from './dispatcher-baselines.js';
import type { StatementTimer } from './statement-timer.js';

export interface TickSamples {
  readonly tick: number[];
  readonly claims: number[];
  readonly bareClaim: number[];
  readonly bossInsert: number[];
  readonly roundTrip: number[];
  /** Milliseconds per statement of each measured tick, by the statement's name. */
  readonly statements: Map<string, number[]>;
}

/**
 * The untimed step between ticks: the calls of the last tick "end" (attempt ended, contact done), so the next
 * tick finds all its slots free again. The placement jobs are deleted, so pg-boss's job table stays the same
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

export interface MeasureOptions {
  /** Deps whose pool is the timer's wrapped pool; `sidePool` runs the untimed steps and the baselines. */
  readonly deps: ServiceDeps;
  readonly timer: StatementTimer;
  readonly sidePool: Pool;
  readonly slots: number;
  readonly warmUp: number;
  readonly measured: number;
  /** A campaign with due contacts, for the bare-claim baseline. */
  readonly someCampaign: string;
}

/**
 * Real dispatch ticks, each followed by the untimed reset and then one sample of each baseline, so ticks and
 * baselines are interleaved and share whatever else the machine is doing.
 */
export async function measureTicks(o: MeasureOptions): Promise<TickSamples> {
  const at = new Date(o.deps.clock.now());
  const samples: TickSamples = {
    tick: [],
    claims: [],
    bareClaim: [],
    bossInsert: [],
    roundTrip: [],
    statements: new Map(),
  };
  for (let i = 0; i < o.warmUp + o.measured; i++) {
    o.timer.take();
    const started = performance.now();
    const result = await dispatchTick(o.deps);
    const elapsed = performance.now() - started;
    const breakdown = o.timer.take();
    await o.sidePool.query(END_CLAIMED_CALLS, [at]);
    await o.deps.boss.deleteAllJobs(PLACE_CALL_QUEUE.name);
    const bareClaim = await timeBareClaim(o.sidePool, o.someCampaign, o.slots, at);
    const bossInsert = await timeBossInsert(o.sidePool, o.deps.boss, o.slots);
    const roundTrip = await timeRoundTrip(o.sidePool);
    if (i < o.warmUp) continue;
    samples.tick.push(elapsed);
    samples.claims.push(result.claimed);
    samples.bareClaim.push(bareClaim);
    samples.bossInsert.push(bossInsert);
    samples.roundTrip.push(roundTrip);
    for (const [name, spent] of breakdown) {
      samples.statements.set(name, [...(samples.statements.get(name) ?? []), spent]);
    }
  }
  return samples;
}
