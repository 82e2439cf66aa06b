import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../service/src/runtime.js';
import { activateCampaign, insertCampaign, insertContacts, usPhone } from '../helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type Family, parsePrometheusText, sampleValue, sumOf } from '../helpers/prometheus-text.js';
import { recentLogs } from '../helpers/recent-logs.js';
import { demoListContactIds, startSandboxTestService } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';

const CONTACTS = 20;

let db: TestDatabase;
let service: RunningService;
const logs = recentLogs('warn');

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startSandboxTestService(db, {
    logger: logs.logger,
    concurrency: 5,
    dispatchIntervalMs: 200,
    env: { METRICS_PORT: '0' },
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

async function scrape(url = `${service.url}/metrics`, login = true): Promise<Map<string, Family>> {
  const creds = service.ops.credentials;
  if (!creds) throw new Error('a sandbox service has an ops login');
  const headers: Record<string, string> = login
    ? { authorization: `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}` }
    : {};
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('/metrics on a sandbox campaign', () => {
  it('is Prometheus text behind the ops login, and also without login on the loopback METRICS_PORT', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    const families = await scrape();
    expect(families.get('fundraising_dials_total')?.type).toBe('counter');
    expect(families.get('fundraising_due_to_dial_seconds')?.type).toBe('histogram');
    expect(families.get('fundraising_queue_jobs')?.type).toBe('gauge');
    expect(sampleValue(families, 'fundraising_provider_calls_cap')).toBe(5);
    expect(service.ops.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const loopback = await scrape(service.ops.metricsUrl ?? '', false);
    expect([...loopback.keys()].sort()).toEqual([...families.keys()].sort());
  });

  it(`counts dials, outcomes, webhooks, write-backs, provider requests and queue depths while a ${CONTACTS}-contact campaign runs`, async () => {
    const before = await scrape();
    const sandbox = service.integrations.sandbox!;
    const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
    const ids = await demoListContactIds(service, CONTACTS);
    const campaign = await insertCampaign(db.pool, {
      status: 'paused',
      portalId,
      agentId,
      phoneNumberId,
      concurrencyCap: 5,
      dialsPerSecond: 50,
      retryPolicy: {
        no_answer: { delayMinutes: 0, maxAttempts: 2 },
        busy: { delayMinutes: 0, maxAttempts: 2 },
      },
    });
    await insertContacts(
      db.pool,
      portalId,
      campaign,
      ids.map((contactId, i) => ({ contactId, phone: usPhone(i) })),
    );
    await activateCampaign(db.pool, campaign);
    service.dispatcher?.nudge();

    let maxInFlight = 0;
    let sawQueues = false;
    const count = async (sql: string, params: unknown[] = []) =>
      Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);
    await waitWhileProgressing(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state IN ('queued', 'dialing')`,
          [campaign],
        )) === 0 && (await count(`SELECT count(*)::int AS n FROM crm_writes WHERE status <> 'done'`)) === 0,
      async () => {
        // Scraped while the campaign runs: the scrape-time gauges see it.
        const now = await scrape();
        const inFlight = sampleValue(now, 'fundraising_campaign_calls_in_flight', { campaign_id: campaign });
        maxInFlight = Math.max(maxInFlight, inFlight);
        expect(inFlight).toBeLessThanOrEqual(5);
        expect(sampleValue(now, 'fundraising_provider_calls_in_use')).toBeLessThanOrEqual(5);
        sawQueues ||= (now.get('fundraising_queue_jobs')?.samples.length ?? 0) > 0;
        const states = await db.pool.query(
          `SELECT 'attempt ' || status AS what, count(*)::int AS n FROM call_attempts GROUP BY 1
           UNION ALL SELECT 'contact ' || state || coalesce(' ' || wait_reason, ''), count(*)::int
             FROM campaign_contacts GROUP BY 1
           UNION ALL SELECT 'writes ' || status, count(*)::int FROM crm_writes GROUP BY 1 ORDER BY 1`,
        );
        return JSON.stringify(states.rows);
      },
      { stallMs: 150_000, intervalMs: 200, what: 'every contact finished and written back' },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${logs.lines().join('\n')}`);
    });
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sumOf(after, name, labels) - sumOf(before, name, labels);

    const ended = await count(
      `SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND status = 'ended'`,
      [campaign],
    );
    const placed = await count(
      `SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND placed_at IS NOT NULL`,
      [campaign],
    );
    expect(ended).toBeGreaterThan(0);
    expect(maxInFlight).toBeGreaterThan(0);
    expect(sawQueues).toBe(true);
    expect(moved('fundraising_dials_total', { result: 'placed' })).toBe(placed);
    expect(moved('fundraising_due_to_dial_seconds_count')).toBeGreaterThanOrEqual(placed);
    expect(moved('fundraising_outcomes_total')).toBe(ended);
    expect(moved('fundraising_webhooks_received_total', { verification: 'valid' })).toBeGreaterThanOrEqual(
      ended,
    );
    expect(moved('fundraising_webhooks_received_total', { verification: 'invalid_signature' })).toBe(0);
    expect(moved('fundraising_writeback_rows_total', { result: 'done' })).toBe(ended);
    expect(moved('fundraising_dispatch_tick_duration_seconds_count')).toBeGreaterThan(0);
    expect(
      moved('fundraising_provider_request_duration_seconds_count', {
        provider: 'elevenlabs',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(placed);
    expect(
      moved('fundraising_provider_request_duration_seconds_count', {
        provider: 'hubspot',
        status_class: '2xx',
      }),
    ).toBeGreaterThan(0);
    // Everything has settled: nothing in flight, nothing owed to HubSpot, nothing dead-lettered.
    expect(sampleValue(after, 'fundraising_calls_in_flight')).toBe(0);
    expect(sampleValue(after, 'fundraising_writeback_pending')).toBe(0);
    expect(sampleValue(after, 'fundraising_writeback_dead_letters')).toBe(0);
  }, 600_000);

  it('counts a webhook with a bad signature as such', async () => {
    const before = await scrape();
    const res = await fetch(`${service.url}/webhooks/elevenlabs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'elevenlabs-signature': 't=1,v0=deadbeef' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const after = await scrape();
    const labels = { type: 'unknown', verification: 'invalid_signature' };
    expect(
      sampleValue(after, 'fundraising_webhooks_received_total', labels) -
        sampleValue(before, 'fundraising_webhooks_received_total', labels),
    ).toBe(1);
  });
});
