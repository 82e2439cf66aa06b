import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../service/src/db/embedded-postgres.js';
import { migrate } from '../../service/src/db/migrate.js';
import { createPool } from '../../service/src/db/pool.js';
import { createLogger } from '../../service/src/logger.js';
import type { TestDatabase } from '../helpers/database.js';

const DATA = path.resolve('.data');
const PREFIX = 'bench-postgres-';
const quiet = createLogger('silent');

export interface BenchServer {
  /** A URL whose user may create databases. */
  readonly adminUrl: string;
  /** Where the server came from, for the report: DATABASE_URL or the embedded cluster. */
  readonly source: string;
  stop(): Promise<void>;
}

/**
 * The Postgres the benchmarks run against: DATABASE_URL when set, otherwise an embedded cluster of this run's
 * own in .data/bench-postgres-<pid>, removed afterwards (as the test suite's global setup does).
 */
export async function startBenchServer(): Promise<BenchServer> {
  const external = process.env.DATABASE_URL;
  if (external) return { adminUrl: external, source: 'DATABASE_URL', stop: async () => {} };
  await removeAbandonedClusters();
  const dataDir = path.join(DATA, `${PREFIX}${process.pid}`);
  // Not durable, as before: a throw-away cluster (figures are compared with baselines from the same run).
  const embedded = await startEmbeddedPostgres({ dataDir, logger: createLogger('warn'), durable: false });
  return {
    adminUrl: embedded.url,
    source: `embedded cluster ${path.relative(process.cwd(), dataDir)}`,
    async stop() {
      await embedded.stop();
      await removeCluster(dataDir);
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Lets the server finish what an earlier benchmark left behind (dirty buffers of a million-row seed, autovacuum
 * of its tables) before the next one measures: a checkpoint, then up to 30 s for autovacuum workers to finish.
 */
export async function settleBenchServer(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
    for (let waited = 0; waited < 30_000; waited += 250) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
      );
      if ((rows[0]?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}

/** A fresh database with the app's migrations applied, shaped like the test helpers' so they work on it. */
export async function createBenchDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, quiet, 5);
  await migrate(pool, quiet);
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function removeCluster(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}.password`, { force: true });
}

/** Clusters left by killed runs (their runner process is gone): stop their server, then delete them. */
async function removeAbandonedClusters(): Promise<void> {
  if (!existsSync(DATA)) return;
  for (const name of await readdir(DATA)) {
    const match = new RegExp(`^${PREFIX}(\\d+)$`).exec(name);
    if (!match || alive(Number(match[1]))) continue;
    const dir = path.join(DATA, name);
    const pidFile = path.join(dir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      if (alive(pid)) process.kill(pid, 'SIGQUIT'); // immediate shutdown: its data is about to be deleted
    }
    await removeCluster(dir);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
