import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/helpers/database.js';
import { enqueueImport, importQueue, importWorker } from '../../../src/campaigns/import/index.js';
import { withTransaction } from '../../../src/db/pool.js';
import { registerWorkers, startBoss } from '../../../src/jobs/boss.js';
import {
  countsOf,
  demoList,
  expectedCounts,
  type ImportHarness,
  insertCampaign,
  PORTAL_ID,
  progressOf,
  startImportHarness,
} from './import-harness.js';

let h: ImportHarness;
let boss: PgBoss;
const quick = demoList(20);

beforeAll(async () => {
  h = await startImportHarness();
  boss = await startBoss({
    connectionString: h.db.url,
    logger: silentLogger,
    queues: [importQueue],
    supervise: false,
    enableSpies: true,
  });
  await registerWorkers(boss, [importWorker(h.deps())]);
});
afterAll(async () => {
  await boss?.stop({ graceful: false, timeout: 1000 });
  await h?.stop();
});

/** What the create/import use case does: mark the campaign importing and queue the job, in one transaction. */
async function startImport(campaignId: string, commit: boolean) {
  return withTransaction(h.db.pool, async (tx) => {
    await tx.query("UPDATE campaigns SET status = 'importing' WHERE id = $1", [campaignId]);
    const first = await enqueueImport(boss, tx, { portalId: PORTAL_ID, campaignId });
    const second = await enqueueImport(boss, tx, { portalId: PORTAL_ID, campaignId });
    if (!commit) throw new Error('rolled back on purpose');
    return { first, second };
  });
}

describe('the campaign-import queue', () => {
  it('is exclusive per campaign, retried with backoff, and expires after an hour', async () => {
    expect(await boss.getQueue(importQueue.name)).toMatchObject({
      policy: 'exclusive',
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 3600,
    });
  });

  it('runs an import queued in the same transaction as the status change, once per campaign', async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: quick.listId, status: 'draft' });
    const spy = boss.getSpy(importQueue.name);

    const { first, second } = await startImport(campaignId, true);

    expect(first).not.toBeNull();
    // An import of this campaign is already queued: the second send is refused, not queued twice.
    expect(second).toBeNull();
    await spy.waitForJobWithId(first as string, 'completed');
    expect(await boss.findJobs(importQueue.name, { key: campaignId })).toHaveLength(1);
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({ status: 'ready', import_done: 20 });
    expect(await countsOf(h.db.pool, campaignId)).toEqual(await expectedCounts(quick));
  });

  it('queues nothing when the transaction rolls back', async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: quick.listId, status: 'draft' });
    await expect(startImport(campaignId, false)).rejects.toThrow('rolled back on purpose');

    const jobs = await boss.findJobs(importQueue.name, { key: campaignId });
    expect(jobs).toEqual([]);
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({ status: 'draft' });
  });

  it('fails a job whose payload is not a campaign id', async () => {
    const spy = boss.getSpy(importQueue.name);
    const id = await boss.send(
      importQueue.name,
      { portalId: PORTAL_ID, campaignId: 'not-a-uuid' },
      { retryLimit: 0 },
    );
    const job = await spy.waitForJobWithId(id as string, 'failed');
    expect(JSON.stringify(job.output)).toMatch(/invalid campaign-import payload: campaignId/);
  });
});
