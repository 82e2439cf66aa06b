import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../service/src/db/embedded-postgres.js';
import { createLogger } from '../../service/src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres URL whose user may create databases; test files each create their own database from it. */
    adminDatabaseUrl: string;
  }
}

const DATA = path.resolve('.data');
const PREFIX = 'test-postgres-';

/**
 * Starts one Postgres for the whole run: DATABASE_URL when set (e.g. the machine's Postgres 15), otherwise an
 * embedded cluster of this run's own (so two runs side by side never stop each other's database), removed after.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('adminDatabaseUrl', external);
    return async () => {};
  }
  await removeAbandonedClusters();
  const dataDir = path.join(DATA, `${PREFIX}${process.pid}`);
  const logger = createLogger('warn');
  // Not durable: this cluster is deleted when the run ends, so an fsync per commit would only slow the tests.
  const embedded = await startEmbeddedPostgres({ dataDir, logger, durable: false });
  project.provide('adminDatabaseUrl', embedded.url);
  return async () => {
    await embedded.stop();
    await removeCluster(dataDir);
  };
}

async function removeCluster(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}.password`, { force: true });
}

/** Clusters of runs that were killed: their runner process is gone. Stop their server, then delete them. */
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
