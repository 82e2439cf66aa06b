import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type Cluster, type ClusterOptions, startCluster } from '../helpers/scale-out-cluster.js';

/**
 * A fault run's test file: a database of its own (made before the test, dropped after) and the cluster its test
 * starts on it, stopped after the file whatever became of the test. Call once, at the top of the file.
 */
export function faultRunFile() {
  let db: TestDatabase | undefined;
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await cluster?.stop();
    await db?.drop();
  });
  const database = (): TestDatabase => {
    if (db === undefined) throw new Error('the fault run database is made in beforeAll');
    return db;
  };
  return {
    get db(): TestDatabase {
      return database();
    },
    async startCluster(options: Omit<ClusterOptions, 'databaseUrl'>): Promise<Cluster> {
      cluster = await startCluster({ ...options, databaseUrl: database().url });
      return cluster;
    },
  };
}
