/**
 * Runs one campaign import in a process of its own, so a test can measure that process's memory: started by
 * import-100k.test.ts with `node --expose-gc --conditions=source --import tsx`, against the test's database and
 * fake HubSpot. Prints one JSON line: the import's result, its duration, the live heap after a full GC before and
 * after the import, and the process's peak RSS as Node saw it.
 */
import { z } from 'zod';
import { importCampaign } from '../../../src/campaigns/import/index.js';
import { createPool } from '../../../src/db/pool.js';
import { createHubSpotClients } from '../../../src/hubspot/index.js';
import { createLogger } from '../../../src/logger.js';
// The demo portal's module alone: the sandbox's index brings both fakes (and the ElevenLabs SDK) along.
import { sandboxAccessToken } from '../../../src/sandbox/demo-portal.js';

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    HUBSPOT_URL: z.url(),
    PORTAL_ID: z.coerce.number().int().positive(),
    CAMPAIGN_ID: z.uuid(),
    HUBSPOT_MAX_REQUESTS: z.coerce.number().int().positive(),
  })
  .parse(process.env);

/** Heap still reachable after a full collection, in MB (needs --expose-gc). */
function liveHeapMb(): number {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1_048_576);
}

const logger = createLogger('warn');
const pool = createPool(env.DATABASE_URL, logger, 2);
const hubspot = createHubSpotClients({
  baseUrl: env.HUBSPOT_URL,
  tokens: { getAccessToken: async (portalId) => sandboxAccessToken(portalId) },
  limits: { maxRequests: env.HUBSPOT_MAX_REQUESTS, windowMs: 10_000 },
  logger,
});

try {
  const liveHeapBeforeMb = liveHeapMb();
  const started = performance.now();
  const result = await importCampaign(
    { pool, hubspot, logger },
    { portalId: env.PORTAL_ID, campaignId: env.CAMPAIGN_ID },
  );
  const ms = Math.round(performance.now() - started);
  const liveHeapAfterMb = liveHeapMb();
  // resourceUsage().maxRSS is in kilobytes.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ result, ms, liveHeapBeforeMb, liveHeapAfterMb, peakRssMb })}\n`);
} finally {
  await pool.end();
}
