import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { registerWorkers, startBoss } from '../../src/jobs/boss.js';
import { defineQueue, defineWorker } from '../../src/jobs/queue-definition.js';

const greet = defineQueue('test-greet', z.object({ name: z.string() }), { retryLimit: 0 });
const handled: string[] = [];

let db: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await startBoss({
    connectionString: db.url,
    logger: silentLogger,
    queues: [greet],
    supervise: false,
    enableSpies: true,
  });
  await registerWorkers(boss, [
    defineWorker({
      queue: greet,
      options: { pollingIntervalSeconds: 0.5 },
      handle: async (data) => {
        handled.push(data.name);
      },
    }),
  ]);
});
afterAll(async () => {
  await boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

describe('pg-boss wiring', () => {
  it('creates declared queues and runs their workers with parsed payloads', async () => {
    const spy = boss.getSpy<{ name: string }>(greet.name);
    const id = await boss.send(greet.name, { name: 'Ada' });
    expect(id).not.toBeNull();
    await spy.waitForJobWithId(id!, 'completed');
    expect(handled).toContain('Ada');
  });

  it('fails a job whose payload does not match its queue schema instead of running it', async () => {
    const spy = boss.getSpy(greet.name);
    const id = await boss.send(greet.name, { nom: 'Ada' });
    const job = await spy.waitForJobWithId(id!, 'failed');
    expect(JSON.stringify(job.output)).toMatch(/invalid test-greet payload: name/);
    expect(handled).toEqual(['Ada']);
  });

  it('keeps its queue options when started again (a redeploy)', async () => {
    const again = await startBoss({
      connectionString: db.url,
      logger: silentLogger,
      queues: [greet],
      supervise: false,
    });
    const queue = await again.getQueue(greet.name);
    expect(queue?.retryLimit).toBe(0);
    await again.stop({ graceful: false, timeout: 1000 });
  });
});
