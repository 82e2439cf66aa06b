import pg from 'pg';
import {
  createDatabase,
  createTemplateDatabase,
  dropDatabase,
  type RunPostgres,
  startRunPostgres,
  type TestDatabase,
} from '../helpers/run-postgres.js';

export interface BenchServer extends RunPostgres {
  /** A fresh database copied from the run's template (migrated, pg-boss ready); the benchmark drops it. */
  createDatabase(): Promise<TestDatabase>;
}

/**
 * The Postgres the benchmarks run against: DATABASE_URL when set, otherwise an embedded cluster of this run's
 * own in .data/bench-postgres-<pid>, removed afterwards (as the test suite's global setup does).
 */
export async function startBenchServer(): Promise<BenchServer> {
  const server = await startRunPostgres('bench-postgres-');
  const template = await createTemplateDatabase(server.adminUrl);
  return {
    ...server,
    createDatabase: () => createDatabase(server.adminUrl, { prefix: 'bench', template }),
    async stop() {
      await dropDatabase(server.adminUrl, template);
      await server.stop();
    },
  };
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
