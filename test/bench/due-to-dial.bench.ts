import { shiftedClock } from '../../service/src/core/clock.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import {
  activateCampaign,
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../helpers/campaign-fixtures.js';
import { silentLogger } from '../helpers/database.js';
import { callableDemoContacts, sandboxTestConfig } from '../helpers/sandbox-service.js';
import { waitUntil } from '../helpers/wait.js';
import { type Benchmark, ms, percentile } from './bench-types.js';
import { benchPostmaster, cpuFigures, describeCpu, withCpuSplit } from './cpu-split.js';

const CONTACTS = 150;
/** Contacts falling due per second: with calls of about a second, some 5 of the 20 lines are busy. */
const PER_SECOND = 5;
/** The first contact falls due this long after the campaign is activated (the service settles first). */
const LEAD_MS = 5_000;
const LIMIT = 20;
const GOAL_P95_MS = 2_000;

interface Dialled {
  readonly due: number;
  readonly claimed: number;
  readonly dialled: number;
}

/**
 * How long a contact waits from the moment it falls due to the moment its dial leaves, with lines free: the
 * scheduler's own latency (a dispatch tick must see it due, then a placement job must run), not queueing for
 * capacity (that is provider-limit's figure). Contacts fall due one every 200 ms for 30 s on the engine's clock,
 * the dispatcher runs at the service's default interval, and the pipeline is the whole sandbox service: real
 * post-call webhooks through the route and the outcome workers, which nudge the dispatcher as calls end.
 */
export const dueToDialBenchmark: Benchmark = {
  name: 'due-to-dial',
  description: `${CONTACTS} contacts falling due ${PER_SECOND}/s with free lines: from due to dial, beside the tick`,
  async run(ctx) {
    const db = await ctx.createDatabase();
    let service: RunningService | undefined;
    try {
      service = await startService({
        config: sandboxTestConfig(db),
        logger: silentLogger,
        clock: shiftedClock(TUESDAY_AFTERNOON_NY),
        engineSettings: { accountConcurrencyCap: LIMIT },
        sandboxOptions: { concurrencyLimit: LIMIT },
        sandboxTimeScale: 0.01,
      });
      const engine = service.engine;
      const tickMs = engine.settings.dispatchIntervalMs;
      const { portalId, agentId, phoneNumberId } = service.integrations.sandbox!.demoPortal;
      const ids = callableDemoContacts(CONTACTS);
      const campaign = await insertCampaign(db.pool, {
        portalId,
        agentId,
        phoneNumberId,
        concurrencyCap: LIMIT,
        dialsPerSecond: 50,
        retryPolicy: {},
        status: 'paused',
      });
      const start = engine.clock.now() + LEAD_MS;
      const dueAt = ids.map((_, i) => start + Math.round((i * 1000) / PER_SECOND));
      const rows = await insertContacts(
        db.pool,
        portalId,
        campaign,
        ids.map((contactId, i) => ({
          contactId,
          phone: usPhone(i),
          nextAttemptAt: new Date(dueAt[i] ?? start),
        })),
      );
      const dueOf = new Map(rows.map((row, i) => [row, dueAt[i] ?? start]));
      await activateCampaign(db.pool, campaign);
      ctx.log(
        `${CONTACTS} contacts fall due from ${LEAD_MS / 1000} s on, ${PER_SECOND}/s; tick ${tickMs} ms`,
      );
      const seconds = (LEAD_MS + (CONTACTS / PER_SECOND) * 1000) / 1000;
      const { cpu } = await withCpuSplit(
        await benchPostmaster(db.pool),
        () =>
          waitUntil(async () => (await firstDials(db.pool, campaign, dueOf)).length === CONTACTS, {
            timeoutMs: (seconds + 60) * 1000,
            intervalMs: 500,
            what: 'every contact dialled',
          }).catch(() => {}), // a contact never dialled is counted below, not thrown
      );
      const dialled = await firstDials(db.pool, campaign, dueOf);
      const wait = dialled.map((d) => d.dialled - d.due);
      const toClaim = dialled.map((d) => d.claimed - d.due);
      const toDial = dialled.map((d) => d.dialled - d.claimed);
      const p50 = percentile(wait, 0.5);
      const p95 = percentile(wait, 0.95);
      const sandbox = service.integrations.sandbox!;
      const tick = {
        value: tickMs / 1000,
        unit: 's',
        what: 'the dispatch tick, DISPATCH_INTERVAL_MS',
        source: 'constant',
      } as const;
      const split =
        `due → claimed by a tick p50 ${ms(percentile(toClaim, 0.5))} / p95 ${ms(percentile(toClaim, 0.95))} ms; ` +
        `claimed → dial left p50 ${ms(percentile(toDial, 0.5))} / p95 ${ms(percentile(toDial, 0.95))} ms`;
      return {
        figures: [
          { label: 'contacts dialled', value: dialled.length, unit: `of ${CONTACTS}` },
          { label: 'due → dial, p50', value: ms(p50), unit: 'ms' },
          { label: 'due → dial, p95', value: ms(p95), unit: 'ms' },
          { label: 'due → dial, max', value: ms(Math.max(...wait)), unit: 'ms' },
          { label: 'due → claimed by a tick, p50', value: ms(percentile(toClaim, 0.5)), unit: 'ms' },
          { label: 'due → claimed by a tick, p95', value: ms(percentile(toClaim, 0.95)), unit: 'ms' },
          { label: 'claimed → dial left, p50', value: ms(percentile(toDial, 0.5)), unit: 'ms' },
          { label: 'claimed → dial left, p95', value: ms(percentile(toDial, 0.95)), unit: 'ms' },
          {
            label: 'most calls in flight at the fake',
            value: sandbox.elevenlabs.maxConcurrent,
            unit: `of ${LIMIT}`,
          },
          ...cpuFigures('whole run', cpu),
        ],
        headlines: [
          {
            figure: 'due-to-dial',
            part: 'p50',
            measured: ms(p50 / 1000),
            unit: 's',
            baseline: tick,
            comparison: `${ms(p50 / tickMs)}x the tick`,
            goal: '—',
            pass: null,
          },
          {
            figure: 'due-to-dial',
            part: 'p95',
            measured: ms(p95 / 1000),
            unit: 's',
            baseline: tick,
            comparison: `${ms(p95 / tickMs)}x the tick`,
            goal: `≤ ${GOAL_P95_MS / 1000} s`,
            pass: p95 <= GOAL_P95_MS && dialled.length === CONTACTS,
            evidence: `${split}; ${describeCpu(cpu)}`,
          },
        ],
        targets: [
          {
            label: 'contacts never dialled (they would leave the figure out of their wait)',
            measured: CONTACTS - dialled.length,
            limit: 0,
            unit: '',
            relation: '<=',
            pass: dialled.length === CONTACTS,
          },
          {
            label: 'lines busy at most (the figure must not include waiting for a line)',
            measured: sandbox.elevenlabs.maxConcurrent,
            limit: LIMIT,
            unit: 'calls',
            pass: sandbox.elevenlabs.maxConcurrent < LIMIT,
          },
        ],
        notes: [
          `One campaign of ${CONTACTS} callable demo contacts (New York, calling hours open), account and line cap ` +
            `${LIMIT}, calls 100x faster, no retries; contact i falls due at activation + ${LEAD_MS / 1000} s + i / ` +
            `${PER_SECOND} s on the engine clock. Dispatch every ${tickMs} ms (the default) and when a call ends.`,
          'Timed per contact from its due time to its attempt’s dial_started_at (written just before the API ' +
            'request), both on the engine clock; split at claimed_at, when a dispatch tick claimed it.',
        ],
      };
    } finally {
      await service?.stop();
      await db.drop();
    }
  },
};

/** Each contact's first attempt that reached its dial: due, claimed and dialled, in engine-clock ms. */
async function firstDials(
  pool: RunningService['pool'],
  campaign: string,
  dueOf: ReadonlyMap<string, number>,
): Promise<Dialled[]> {
  const { rows } = await pool.query<{ row: string; claimed: Date; dialled: Date }>(
    `SELECT DISTINCT ON (campaign_contact_id) campaign_contact_id::text AS row, claimed_at AS claimed,
            dial_started_at AS dialled
       FROM call_attempts WHERE campaign_id = $1 AND dial_started_at IS NOT NULL
      ORDER BY campaign_contact_id, dial_started_at`,
    [campaign],
  );
  return rows.flatMap((r) => {
    const due = dueOf.get(r.row);
    return due === undefined ? [] : [{ due, claimed: r.claimed.getTime(), dialled: r.dialled.getTime() }];
  });
}
