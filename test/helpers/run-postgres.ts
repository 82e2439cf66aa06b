import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../service/src/db/embedded-postgres.js';
import { migrate } from '../../service/src/db/migrate.js';
import { createPool } from '../../service/src/db/pool.js';
import { startBoss } from '../../service/src/jobs/boss.js';
import { createLogger } from '../../service/src/logger.js';
import { isAlive as alive } from './child-process.js';

/**
 * The Postgres a test or benchmark run works in, and the databases it makes there. Shared by the test suite's
 * global setup and `npm run bench`.
 */

const DATA = path.resolve('.data');
const quiet = createLogger('silent');

export interface RunPostgres {
  /** A URL whose user may create databases. */
  readonly adminUrl: string;
  /** Where the server came from, for reports: DATABASE_URL or the embedded cluster. */
  readonly source: string;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set, otherwise an embedded cluster of this run's own in `.data/<prefix><pid>` (so two runs side
 * by side never stop each other's database), removed by stop(). Clusters of earlier runs that were killed are
 * removed first.
 */
export async function startRunPostgres(prefix: string): Promise<RunPostgres> {
  const external = process.env.DATABASE_URL;
  if (external) return { adminUrl: external, source: 'DATABASE_URL', stop: async () => {} };
  await removeAbandonedClusters(prefix);
  const dataDir = path.join(DATA, `${prefix}${process.pid}`);
  // Not durable: the cluster is deleted when the run ends, so an fsync per commit would only slow the run down.
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

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run inside a pool transaction). */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of a test file or a benchmark, with a pool on it (closed by drop()). */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * The run's template: the app's migrations applied and pg-boss's schema created, once. Databases copied from it
 * (`CREATE DATABASE … TEMPLATE`) start nearly where a service start-up would have brought them, in a fraction of
 * the time it takes to migrate each one. (The queues are created by each start-up: declaring them here would
 * import the whole service into vitest's global setup, which does not resolve workspace packages from source.)
 */
export async function createTemplateDatabase(adminUrl: string): Promise<string> {
  const name = `tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, quiet, 2);
  try {
    await migrate(pool, quiet);
  } finally {
    await pool.end();
  }
  const boss = await startBoss({ connectionString: url, logger: quiet, queues: [], supervise: false });
  await boss.stop({ graceful: false, close: true });
  return name;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A new database: a copy of `template` (migrated, pg-boss ready), or empty when no template is given. */
export async function createDatabase(
  adminUrl: string,
  options: { prefix: string; template?: string },
): Promise<TestDatabase> {
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(
    adminUrl,
    options.template ? `CREATE DATABASE ${name} TEMPLATE ${options.template}` : `CREATE DATABASE ${name}`,
  );
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, quiet, 5);
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await dropDatabase(adminUrl, name);
    },
  };
}

async function removeCluster(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  for (const side of ['password', 'owner', 'location']) await rm(`${dataDir}.${side}`, { force: true });
}

/** Clusters of runs that were killed (their runner process is gone): stop their server, then delete them. */
async function removeAbandonedClusters(prefix: string): Promise<void> {
  if (!existsSync(DATA)) return;
  for (const name of await readdir(DATA)) {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(name);
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
