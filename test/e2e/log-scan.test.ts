import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../service/src/runtime.js';
import { activateCampaign, insertCampaign, insertContacts, usPhone } from '../helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { recentLogs } from '../helpers/recent-logs.js';
import { demoListContactIds, startSandboxTestService } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';

const CONTACTS = 20;
const WEBHOOK_SECRET = 'whsec_logscan_0123456789';
const CLIENT_SECRET = 'client-secret-logscan-0123456789';

let db: TestDatabase;
let service: RunningService;
// Every line, at debug, kept in memory.
const logs = recentLogs('debug', 1_000_000);

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startSandboxTestService(db, {
    logger: logs.logger,
    concurrency: 5,
    dispatchIntervalMs: 200,
    env: {
      ELEVENLABS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      HUBSPOT_CLIENT_ID: 'logscan-client-id',
      LOG_LEVEL: 'debug',
    },
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

describe('logs of a sandbox campaign at debug', () => {
  it('hold no full phone number, token, API key, webhook signature or client secret', async () => {
    const sandbox = service.integrations.sandbox!;
    const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
    const ids = await demoListContactIds(service, CONTACTS);
    const phones = ids.map((_, i) => usPhone(i));
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
      ids.map((contactId, i) => ({ contactId, phone: phones[i] ?? '' })),
    );
    await activateCampaign(db.pool, campaign);
    // A wrong ops login and a webhook with a forged signature: their credentials must not be logged either.
    await fetch(`${service.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from('ops:not-the-password').toString('base64')}` },
    });
    await fetch(`${service.url}/webhooks/elevenlabs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'elevenlabs-signature': 't=1,v0=forgedsignature0123' },
      body: '{}',
    });
    service.dispatcher?.nudge();

    const count = async (sql: string, params: unknown[] = []) =>
      Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);
    await waitWhileProgressing(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state IN ('queued', 'dialing')`,
          [campaign],
        )) === 0 && (await count(`SELECT count(*)::int AS n FROM crm_writes WHERE status <> 'done'`)) === 0,
      async () =>
        JSON.stringify(
          (
            await db.pool.query(
              `SELECT 'contact ' || state AS what, count(*)::int AS n FROM campaign_contacts GROUP BY 1
               UNION ALL SELECT 'writes ' || status, count(*)::int FROM crm_writes GROUP BY 1 ORDER BY 1`,
            )
          ).rows,
        ),
      { stallMs: 150_000, intervalMs: 200, what: 'every contact finished and written back' },
    );
    expect(
      await count(`SELECT count(*)::int AS n FROM call_attempts WHERE placed_at IS NOT NULL`),
    ).toBeGreaterThan(0);

    const forbidden: { what: string; test: (line: string) => boolean }[] = [
      ...phones.map((phone) => ({
        what: `phone ${phone}`,
        test: (l: string) => l.includes(phone) || l.includes(phone.slice(1)),
      })),
      {
        what: 'HubSpot sandbox token',
        test: (l) => /sandbox-token-\d/.test(l) || l.includes(sandbox.demoPortal.accessToken),
      },
      { what: 'HubSpot OAuth token', test: (l) => /sandbox-oauth-[0-9a-f]{6}/.test(l) },
      { what: 'ElevenLabs API key', test: (l) => l.includes('sandbox-key') },
      { what: 'webhook secret', test: (l) => l.includes(WEBHOOK_SECRET) },
      { what: 'client secret', test: (l) => l.includes(CLIENT_SECRET) },
      { what: 'forged signature', test: (l) => l.includes('forgedsignature0123') },
      {
        what: 'basic-auth credentials',
        test: (l) =>
          l.includes('not-the-password') ||
          l.includes(Buffer.from('ops:not-the-password').toString('base64')),
      },
      { what: 'webhook HMAC', test: (l) => /v0=[0-9a-f]{64}/.test(l) },
      { what: 'ops password', test: (l) => l.includes(service.ops.credentials?.password ?? '\u0000') },
    ];
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(100);
    // Not vacuous: the dials were logged, with their numbers masked.
    expect(lines.some((l) => /"to":"\+\d{1,2}\*{3,}\d\d"/.test(l))).toBe(true);
    const leaks = lines.flatMap((line, i) =>
      forbidden.filter((f) => f.test(line)).map((f) => `line ${i}: ${f.what}: ${line.slice(0, 400)}`),
    );
    expect(leaks.slice(0, 20)).toEqual([]);
  }, 600_000);
});
