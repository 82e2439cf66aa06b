import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastReport, runImportChild } from './import-child-run.js';
import {
  countsOf,
  demoList,
  type ImportHarness,
  importRequests,
  insertCampaign,
  PORTAL_ID,
  progressOf,
  startImportHarness,
} from './import-harness.js';

/**
 * The memory bound: importing the 100,000-contact demo list keeps the importing process under 300 MB and
 * makes exactly the requests needed. The import runs in a child process (this process hosts the fake HubSpot and
 * vitest, whose memory is not the service's); its RSS is sampled from /proc while it runs.
 */

const lapsed = demoList(100_000);
// The fake allows 2,000 requests per 10 s; our limiter stays under it, as in production (100 under HubSpot's 110).
const FAKE_LIMIT = { max: 2_000, windowMs: 10_000 };
const CLIENT_LIMIT = 1_900;
const RSS_LIMIT_MB = 300;
/** Live heap after a full GC may grow this much over the whole import (caches of zones, compiled code). */
const LIVE_HEAP_GROWTH_LIMIT_MB = 16;

let h: ImportHarness;

beforeAll(async () => {
  h = await startImportHarness({ fakeRateLimit: FAKE_LIMIT });
});
afterAll(async () => {
  await h?.stop();
});

describe('importing the 100,000-contact list', () => {
  it('stays under 300 MB and makes 400 memberships requests and 1,000 batch reads', async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: lapsed.listId });
    const since = h.fake.record.requests.length;

    const run = await runImportChild({
      databaseUrl: h.db.url,
      hubspotUrl: h.fake.url,
      portalId: PORTAL_ID,
      campaignId,
      maxRequests: CLIENT_LIMIT,
    });

    expect(run.code, run.stderr).toBe(0);
    const report = lastReport(run);
    const counts = await countsOf(h.db.pool, campaignId);
    const requests = importRequests(h.fake, lapsed.listId, since);
    console.info(
      `100k import: ${report.ms} ms (${run.wallMs} ms with process start-up); RSS max ${run.maxSampledRssMb.toFixed(0)} MB ` +
        `sampled ${run.samples} times, VmHWM ${run.peakRssMb.toFixed(0)} MB; live heap ${report.liveHeapBeforeMb} → ` +
        `${report.liveHeapAfterMb} MB; requests ${JSON.stringify(requests)}; rows ${JSON.stringify(counts)}`,
    );

    expect(run.samples).toBeGreaterThan(10);
    expect(run.maxSampledRssMb).toBeLessThan(RSS_LIMIT_MB);
    // The kernel's own high-water mark catches a peak between two samples.
    expect(run.peakRssMb).toBeLessThan(RSS_LIMIT_MB);
    expect(report.liveHeapAfterMb - report.liveHeapBeforeMb).toBeLessThan(LIVE_HEAP_GROWTH_LIMIT_MB);

    expect(report.result).toMatchObject({ outcome: 'completed', contactsInserted: lapsed.size });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(lapsed.size);
    expect(counts.imported).toBeGreaterThan(lapsed.size / 2);
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({
      status: 'ready',
      import_done: lapsed.size,
      import_total: lapsed.size,
    });
    expect(requests).toEqual({
      memberships: Math.ceil(lapsed.size / 250),
      batchReads: Math.ceil(lapsed.size / 100),
      rateLimited: 0,
      total: Math.ceil(lapsed.size / 250) + Math.ceil(lapsed.size / 100),
    });
  }, 180_000);
});
