import { rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../service/src/db/embedded-postgres.js';
import { createPool } from '../../service/src/db/pool.js';
import { createLogger } from '../../service/src/logger.js';
import { zoneInDaytime } from '../helpers/campaign-fixtures.js';
import { readDials } from '../helpers/fakes-record.js';
import { adminQuery, withDatabase } from '../helpers/run-postgres.js';
import { type Cluster, startCluster } from '../helpers/scale-out-cluster.js';
import { stressScaled } from '../helpers/stress.js';
import { waitUntil } from '../helpers/wait.js';
import { fakesInfo, finishAndCheck, seedFaultCampaign } from './fault-run.js';

/**
 * Postgres restarted under a running campaign: an embedded cluster of this test's own (the shared one serves other
 * tests) is stopped while calls are in flight and started again on the same port a few seconds later. No service
 * process is restarted: the web process and both workers must reconnect on their own (their pools, pg-boss and
 * its LISTEN, the dispatch and call-check loops), readiness goes red while Postgres is down and green after, and
 * the campaign ends with the same records as any run: nothing dialled twice, no cap exceeded, every call ended
 * and on HubSpot's timeline exactly once.
 */

const RESTARTS = stressScaled(1, 3);
const CONTACTS = stressScaled(30, 70);
const DOWN_MS = stressScaled(4_000, 8_000);
const ACCOUNT_CAP = 5;
const logger = createLogger('warn');
const dataDir = path.resolve('.data', `faults-pg-${process.pid}`);

let postgres: EmbeddedPostgres | undefined;
let pool: pg.Pool | undefined;
let cluster: Cluster | undefined;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir, logger, durable: false });
});
afterAll(async () => {
  await cluster?.stop();
  await pool?.end().catch(() => {});
  await postgres?.stop().catch(() => {});
  for (const side of ['', '.password', '.owner', '.location'])
    await rm(`${dataDir}${side}`, { recursive: true, force: true });
});

const readiness = async (webUrl: string) =>
  (await fetch(`${webUrl}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch(() => null))?.status ?? 0;

describe('Postgres restarted mid-run', () => {
  it(`survives ${RESTARTS} restart(s) with calls in flight, reconnecting without a process restart`, async () => {
    if (!postgres) throw new Error('no Postgres');
    const { port } = postgres;
    await adminQuery(postgres.url, 'CREATE DATABASE faults');
    const databaseUrl = withDatabase(postgres.url, 'faults');
    pool = createPool(databaseUrl, createLogger('silent'), 3);
    cluster = await startCluster({
      databaseUrl,
      workers: 2,
      fakesEnv: { SANDBOX_TIME_SCALE: '0.03', SANDBOX_CONCURRENCY_LIMIT: '50' },
      serviceEnv: { ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP), UNKNOWN_DIAL_GRACE_MS: '5000' },
    });
    const running = cluster;
    const campaign = await seedFaultCampaign(pool, await fakesInfo(running.fakesUrl), {
      contacts: CONTACTS,
      cap: 4,
      dialsPerSecond: 5,
      zones: [zoneInDaytime(Date.now())],
    });

    const restarts: { dials: number; inFlight: number; red: boolean; greenAfterMs: number }[] = [];
    for (let r = 0; r < RESTARTS; r++) {
      // Stopped while calls are in flight at the provider, well into the run.
      const atDials = Math.round(((r + 1) * CONTACTS) / (RESTARTS + 2));
      let inFlight = 0;
      await waitUntil(
        async () => {
          const dials = await readDials(running.fakesUrl);
          inFlight = dials.filter((d) => d.endedAtMs === null).length;
          return dials.length >= atDials && inFlight > 0;
        },
        { timeoutMs: 300_000, intervalMs: 100, what: `${atDials} dials with calls in flight` },
      );
      await postgres.stop();
      let red = false;
      await waitUntil(async () => (red = (await readiness(running.webUrl)) === 503), {
        timeoutMs: 30_000,
        what: 'readiness to turn red',
      }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      postgres = await startEmbeddedPostgres({ dataDir, logger, durable: false, port });
      const back = Date.now();
      await waitUntil(async () => (await readiness(running.webUrl)) === 200, {
        timeoutMs: 120_000,
        intervalMs: 250,
        what: 'readiness to turn green again',
      });
      restarts.push({ dials: atDials, inFlight, red, greenAfterMs: Date.now() - back });
    }

    const { records, violations } = await finishAndCheck(
      pool,
      running.fakesUrl,
      [campaign],
      ACCOUNT_CAP,
      () => running.output(),
    );
    const byStatus = new Map<string, number>();
    for (const s of records.attempts.values()) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    console.log(
      `Postgres restarts: ${JSON.stringify(restarts)}; ${records.dials.length} dials, attempts ` +
        JSON.stringify(Object.fromEntries(byStatus)),
    );
    expect(violations).toEqual([]);
    for (const r of restarts) expect(r.red, 'readiness red while Postgres was down').toBe(true);
    // Nobody was restarted: the very processes started at the beginning are alive and were never replaced.
    expect(running.everyWorker).toHaveLength(2);
    for (const p of [running.web, ...running.workers, running.fakes]) {
      expect(p.pid !== undefined && process.kill(p.pid, 0), p.output().slice(-2_000)).toBe(true);
    }
  }, 900_000);
});
