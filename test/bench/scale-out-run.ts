import { availableParallelism } from 'node:os';
import type { SandboxFakesInfo } from '../../service/src/sandbox/index.js';
import {
  activateCampaign,
  insertCampaign,
  insertContacts,
  usPhone,
  zoneInDaytime,
} from '../helpers/campaign-fixtures.js';
import type { TestDatabase } from '../helpers/database.js';
import {
  attemptsDialledTwice,
  maxInFlight,
  readDials,
  readWebhookDeliveries,
} from '../helpers/fakes-record.js';
import { callableDemoContacts } from '../helpers/sandbox-service.js';
import { startCluster } from '../helpers/scale-out-cluster.js';
import { waitUntil } from '../helpers/wait.js';
import { cpuSnapshot, cpuUse, localPostmaster } from './cpu-sampler.js';

/**
 * One configuration of the scale-out benchmark: the fakes process, one web process and `workers` worker processes
 * on a fresh database, two campaigns with more donors than the window can reach, caps and pacing well above what
 * the service can do on this machine, and calls 200x faster than real time: the service, not the fake, is the
 * limit. After a warm-up, a fixed window counts dials (the fake's record), post-call webhooks acknowledged by the
 * web process (the fake's delivery record) and outcomes recorded by the workers (our table).
 */

export const ACCOUNT_CAP = 100;
/** Per caller number: the campaign API's maximum. Two numbers, so pacing allows 100 dials/s. */
const DIALS_PER_SECOND = 50;
const CONTACTS_PER_CAMPAIGN = 2_500;
/** Calls of 20-230 simulated seconds last 0.1-1.2 s. */
const TIME_SCALE = 0.005;
const WARMUP_MS = 5_000;
export const WINDOW_MS = 15_000;
/** After the window: campaigns paused, what the processes cost Postgres with nothing to do. */
export const IDLE_MS = 5_000;

export interface ScaleOutRun {
  readonly workers: number;
  readonly dialsPerSecond: number;
  readonly webhooksPerSecond: number;
  readonly outcomesPerSecond: number;
  /** Calls in flight at the fake, mean of samples every 250 ms in the window (how far from the cap). */
  readonly meanInFlight: number;
  /** From the fake's record over the whole run: the invariants still hold at this load. */
  readonly maxInFlight: number;
  readonly dialledTwice: number;
  /** Most connections the database had open at once (every process's pools). */
  readonly peakConnections: number;
  /** Database transactions per second in the window (every process, pg-boss's polling included). */
  readonly transactionsPerSecond: number;
  /** The same with the campaigns paused and nothing to do: the polling the processes cost when idle. */
  readonly idleTransactionsPerSecond: number;
  /** Cores in use on average in the window. */
  readonly cpu: {
    readonly machine: number;
    readonly postgres: number;
    /** The web and worker processes. */
    readonly service: number;
    readonly fakes: number;
  };
}

/** Transactions committed and rolled back in this database so far (Postgres flushes them about once a second). */
async function transactions(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return rows[0]?.n ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScaledOut(
  db: TestDatabase,
  workers: number,
  log: (message: string) => void,
): Promise<ScaleOutRun> {
  const cluster = await startCluster({
    databaseUrl: db.url,
    workers,
    fakesEnv: {
      SANDBOX_TIME_SCALE: String(TIME_SCALE),
      SANDBOX_CONCURRENCY_LIMIT: String(ACCOUNT_CAP * 2),
      SANDBOX_HUBSPOT_RATE_LIMIT: 'off',
    },
    serviceEnv: { ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP) },
  });
  try {
    const { fakesUrl } = cluster;
    const info = (await (await fetch(`${fakesUrl}/__sandbox/fakes`)).json()) as SandboxFakesInfo;
    const campaigns = await seed(db, info);
    const dialCount = async () =>
      ((await (await fetch(`${fakesUrl}/__sandbox/elevenlabs/dials?limit=1`)).json()) as { total: number })
        .total;
    await waitUntil(async () => (await dialCount()) > 0, { timeoutMs: 120_000, what: 'the first dial' });
    await sleep(WARMUP_MS);

    const pids = [cluster.web, ...cluster.workers].map((p) => p.pid ?? 0);
    const fakesPid = cluster.fakes.pid ?? 0;
    const backend = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // This run's own server: other clusters on a shared machine (test runs) must not count as its Postgres.
    const postmaster = await localPostmaster(backend.rows[0]?.pid ?? 0);
    const before = await cpuSnapshot([...pids, fakesPid], postmaster);
    const xact0 = await transactions(db);
    const t0 = Date.now();
    const inFlight: number[] = [];
    let peakConnections = 0;
    while (Date.now() < t0 + WINDOW_MS) {
      const now = (await (await fetch(`${fakesUrl}/__sandbox/elevenlabs/calls-in-flight`)).json()) as {
        current: number;
      };
      inFlight.push(now.current);
      // Every process's pools, plus this benchmark's one connection.
      const conns = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
      );
      peakConnections = Math.max(peakConnections, conns.rows[0]?.n ?? 0);
      await sleep(250);
    }
    const t1 = Date.now();
    const use = cpuUse(before, await cpuSnapshot([...pids, fakesPid], postmaster));
    const xact1 = await transactions(db);
    await db.pool.query(`UPDATE campaigns SET status = 'paused' WHERE id = ANY($1::uuid[])`, [campaigns]);

    const left = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM campaign_contacts WHERE state = 'queued'`,
    );
    if ((left.rows[0]?.n ?? 0) === 0)
      throw new Error('the donors ran out before the window ended: seed more');
    const dials = await readDials(fakesUrl);
    const webhooks = await readWebhookDeliveries(fakesUrl);
    const outcomes = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_attempts WHERE ended_at >= $1 AND ended_at < $2 AND outcome IS NOT NULL`,
      [new Date(t0), new Date(t1)],
    );
    // Idle: the calls in flight end and their outcomes are recorded within a few seconds, then nothing is left.
    await sleep(4_000);
    const idle0 = await transactions(db);
    await sleep(IDLE_MS);
    const idleTransactionsPerSecond = ((await transactions(db)) - idle0) / (IDLE_MS / 1000);
    const inWindow = (ms: number) => ms >= t0 && ms < t1;
    const seconds = (t1 - t0) / 1000;
    const run: ScaleOutRun = {
      workers,
      dialsPerSecond: dials.filter((d) => inWindow(d.atMs)).length / seconds,
      webhooksPerSecond:
        webhooks.filter((w) => w.status === 200 && inWindow(Date.parse(w.at))).length / seconds,
      outcomesPerSecond: (outcomes.rows[0]?.n ?? 0) / seconds,
      meanInFlight: inFlight.reduce((s, n) => s + n, 0) / Math.max(1, inFlight.length),
      maxInFlight: maxInFlight(dials, Date.now()),
      dialledTwice: attemptsDialledTwice(dials).length,
      peakConnections,
      transactionsPerSecond: (xact1 - xact0) / seconds,
      idleTransactionsPerSecond,
      cpu: {
        machine: use.machineBusyShare * availableParallelism(),
        postgres: use.postgresCores,
        service: use.cores(pids),
        fakes: use.cores([fakesPid]),
      },
    };
    const { cpu } = run;
    log(
      `${workers} worker(s): ${run.dialsPerSecond.toFixed(1)} dials/s, ${run.webhooksPerSecond.toFixed(1)} ` +
        `webhooks/s, ${run.outcomesPerSecond.toFixed(1)} outcomes/s, ${run.meanInFlight.toFixed(1)} in flight ` +
        `(cap ${ACCOUNT_CAP}); cores: machine ${cpu.machine.toFixed(2)}, Postgres ${cpu.postgres.toFixed(2)}, ` +
        `service ${cpu.service.toFixed(2)}, fakes ${cpu.fakes.toFixed(2)}; ${run.transactionsPerSecond.toFixed(0)} ` +
        `transactions/s (idle ${idleTransactionsPerSecond.toFixed(0)}); ${peakConnections} connections`,
    );
    return run;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${cluster.output()}`);
  } finally {
    await cluster.stop();
  }
}

/** Two campaigns (one per caller number of the sandbox), paused until their donors are in, then activated. */
async function seed(db: TestDatabase, info: SandboxFakesInfo): Promise<string[]> {
  const { portalId, agentId, phoneNumberId, sipPhoneNumberId } = info.demoPortal;
  const zones = [zoneInDaytime(Date.now())];
  const ids = callableDemoContacts(CONTACTS_PER_CAMPAIGN * 2);
  const campaigns: string[] = [];
  for (const [index, number] of [phoneNumberId, sipPhoneNumberId].entries()) {
    const id = await insertCampaign(db.pool, {
      portalId,
      agentId,
      phoneNumberId: number,
      concurrencyCap: ACCOUNT_CAP,
      dailyCap: 100_000,
      dialsPerSecond: DIALS_PER_SECOND,
      retryPolicy: {},
      requireConsent: true,
      status: 'paused',
    });
    if (number === sipPhoneNumberId)
      await db.pool.query(`UPDATE campaigns SET phone_provider = 'sip_trunk' WHERE id = $1`, [id]);
    const slice = ids.slice(index * CONTACTS_PER_CAMPAIGN, (index + 1) * CONTACTS_PER_CAMPAIGN);
    await insertContacts(
      db.pool,
      portalId,
      id,
      slice.map((contactId, i) => ({ contactId, phone: usPhone(index * CONTACTS_PER_CAMPAIGN + i), zones })),
    );
    campaigns.push(id);
  }
  for (const id of campaigns) await activateCampaign(db.pool, id);
  return campaigns;
}
