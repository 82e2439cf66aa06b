import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftedClock } from '../../service/src/clock.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../helpers/database.js';
import { startOutcomeShim } from '../helpers/outcome-shim.js';
import { demoListContactIds, sandboxTestConfig } from '../helpers/sandbox-service.js';

const CONTACTS = Number(process.env.E2E_CONTACTS ?? 1_000);
const LIMIT = 20;

let db: TestDatabase;
let service: RunningService;
let shim: Awaited<ReturnType<typeof startOutcomeShim>>;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    engineSettings: { accountConcurrencyCap: LIMIT, dispatchIntervalMs: 500 },
    sandboxOptions: { concurrencyLimit: LIMIT },
    sandboxTimeScale: Number(process.env.E2E_TIMESCALE ?? 0.03),
    startDispatcher: true,
  });
  shim = await startOutcomeShim(service.engine, {
    answeredOutcome: 'declined',
    onOutcome: () => service.dispatcher?.nudge(),
  });
  service.integrations.sandbox?.elevenlabs.setWebhookUrl(shim.url);
});
afterAll(async () => {
  await shim.stop();
  await service.stop();
  await db.drop();
});

describe('concurrency against the provider limit', () => {
  it(`keeps ${LIMIT - 1}–${LIMIT} calls in flight while contacts are due, never ${LIMIT + 1}, one call per person`, async () => {
    const sandbox = service.integrations.sandbox!;
    const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
    const ids = await demoListContactIds(service, CONTACTS);
    const campaign = await insertCampaign(db.pool, {
      portalId,
      agentId,
      phoneNumberId,
      concurrencyCap: LIMIT,
      dialsPerSecond: 50,
      retryPolicy: {},
    });
    const phones = ids.slice(0, CONTACTS).map((_, i) => usPhone(i));
    for (const phone of phones) sandbox.elevenlabs.script(phone, 'declined');
    await insertContacts(
      db.pool,
      portalId,
      campaign,
      ids.slice(0, CONTACTS).map((contactId, i) => ({ contactId, phone: phones[i]! })),
    );

    const samples: number[] = [];
    const due = async () =>
      Number(
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state = 'queued'`,
            [campaign],
          )
        ).rows[0]?.n,
      );
    service.dispatcher?.nudge();
    while ((await due()) > 0) {
      samples.push(sandbox.elevenlabs.inFlight);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Ramp-up: the first samples are taken before the first calls connect.
    const steady = samples.slice(samples.findIndex((n) => n >= LIMIT - 1));
    const inBand = steady.filter((n) => n >= LIMIT - 1 && n <= LIMIT).length / steady.length;
    const mean = steady.reduce((s, n) => s + n, 0) / steady.length;
    console.log(
      `in flight while due: ${steady.length} samples, mean ${mean.toFixed(2)}, ${(inBand * 100).toFixed(1)}% at ${LIMIT - 1}–${LIMIT}, max ${sandbox.elevenlabs.maxConcurrent}`,
    );

    if (process.env.E2E_DEBUG) {
      const lat = await db.pool.query(
        `SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM dial_started_at - claimed_at) * 1000) AS claim_to_dial,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM placed_at - dial_started_at) * 1000) AS dial_to_placed
           FROM call_attempts`,
      );
      console.log(`latency ${JSON.stringify(lat.rows[0])}`);
    }
    expect(sandbox.elevenlabs.maxConcurrent).toBeLessThanOrEqual(LIMIT);
    expect(sandbox.elevenlabs.record.rejectedDials.filter((d) => d.status === 429)).toHaveLength(0);
    expect(mean).toBeGreaterThanOrEqual(LIMIT - 1);
    expect(inBand).toBeGreaterThanOrEqual(0.9);
    // One call per person: each number dialled once, since each was dialled to a final outcome.
    const dialled = sandbox.elevenlabs.record.dials.map((d) => d.toNumber);
    expect(new Set(dialled).size).toBe(dialled.length);
  }, 240_000);
});
