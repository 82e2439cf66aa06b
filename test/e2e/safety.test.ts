import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../service/src/runtime.js';
import { activateCampaign, insertCampaign, insertContacts, usPhone } from '../helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { recentLogs } from '../helpers/recent-logs.js';
import { callableDemoContacts, startSandboxTestService } from '../helpers/sandbox-service.js';
import { signedApi } from '../helpers/signed-api.js';
import { waitWhileProgressing } from '../helpers/wait.js';

/**
 * The safety switches on a sandbox service started with DIALLING_STOPPED=true: nothing dials until ops resume it,
 * a stop at run time holds from the next dispatch tick, and the breaker pauses a campaign whose dials the fake
 * ElevenLabs keeps refusing while one with a few refusals runs on. The ops routes sit behind the real ops login
 * (OPS_USER / OPS_PASSWORD below), as in production.
 */

let db: TestDatabase;
let service: RunningService;
const logs = recentLogs('warn');

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startSandboxTestService(db, {
    logger: logs.logger,
    concurrency: 10,
    dispatchIntervalMs: 250,
    env: {
      ELEVENLABS_WEBHOOK_SECRET: 'whsec_e2e',
      DIALLING_STOPPED: 'true',
      OPS_USER: 'oncall',
      OPS_PASSWORD: 'safety-switch-test',
    },
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const sandbox = () => service.integrations.sandbox!;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);
const setDialling = async (body: unknown) => {
  const res = await fetch(`${service.url}/ops/dialling`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from('oncall:safety-switch-test').toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { stopped: boolean; changedAt: string };
};
/** A campaign of the demo portal with `n` callable contacts, dialled once each (no retries). */
async function campaignOf(n: number, skip: number): Promise<string> {
  const { portalId, agentId, phoneNumberId } = sandbox().demoPortal;
  const id = await insertCampaign(db.pool, {
    status: 'paused',
    portalId,
    agentId,
    phoneNumberId,
    concurrencyCap: 5,
    dialsPerSecond: 50,
    maxAttempts: 1,
    retryPolicy: {},
  });
  await insertContacts(
    db.pool,
    portalId,
    id,
    callableDemoContacts(n, skip).map((contactId, i) => ({ contactId, phone: usPhone(skip + i) })),
  );
  await activateCampaign(db.pool, id);
  return id;
}
const progress = async () =>
  JSON.stringify(
    (
      await db.pool.query(
        `SELECT 'attempt ' || status || coalesce(' ' || not_placed_reason, '') AS what, count(*)::int AS n
           FROM call_attempts GROUP BY 1
         UNION ALL SELECT 'contact ' || state, count(*)::int FROM campaign_contacts GROUP BY 1 ORDER BY 1`,
      )
    ).rows,
  );
const failWithLogs = (error: unknown) => {
  throw new Error(`${(error as Error).message}\nservice warnings and errors:\n${logs.lines().join('\n')}`);
};

describe('safety switches on the sandbox', () => {
  it('DIALLING_STOPPED=true at start-up: nothing is claimed or dialled; /readyz and GET /api/safety say so', async () => {
    const campaign = await campaignOf(20, 0);
    for (let i = 0; i < 3; i++) expect((await service.dispatcher?.tick())?.claimed).toBe(0);
    expect(
      await count('SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1', [campaign]),
    ).toBe(0);
    expect(sandbox().elevenlabs.record.dials).toHaveLength(0);

    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      dialling: 'stopped',
      diallingStopped: { by: 'env:DIALLING_STOPPED', reason: 'DIALLING_STOPPED=true at start-up' },
    });
    const api = await signedApi(service, sandbox().demoPortal.portalId).get('/api/safety');
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({
      dialling: {
        stopped: true,
        changedBy: 'env:DIALLING_STOPPED',
        reason: 'DIALLING_STOPPED=true at start-up',
      },
    });
    await db.pool.query(`UPDATE campaigns SET status = 'cancelled' WHERE id = $1`, [campaign]);
  });

  it('the global switch stops dials within one tick: the fake records none started after it', async () => {
    const campaign = await campaignOf(80, 100);
    await setDialling({ stopped: false });
    // Dialling runs: wait for a few dials to reach the fake.
    await waitWhileProgressing(() => sandbox().elevenlabs.record.dials.length >= 8, progress, {
      stallMs: 60_000,
      what: 'the first dials',
    }).catch(failWithLogs);

    const stop = await setDialling({ stopped: true, reason: 'incident 42: agent misbehaving' });
    // "Within one tick": a tick or a placement that read the switch a moment before the stop committed may still
    // claim or dial; nothing starts later than one dispatch interval after it.
    const oneTickLater = new Date(Date.parse(stop.changedAt) + service.engine.settings.dispatchIntervalMs);
    // Within one tick every claim made before the stop is dialled or given back; nothing is left pending.
    await service.dispatcher?.tick();
    await waitWhileProgressing(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM call_attempts WHERE status IN ('claimed', 'dialing')`,
        )) === 0,
      progress,
      { what: 'pending claims settled' },
    ).catch(failWithLogs);
    const dialsAtStop = sandbox().elevenlabs.record.dials.length;
    for (let i = 0; i < 3; i++) expect((await service.dispatcher?.tick())?.claimed).toBe(0);

    expect(sandbox().elevenlabs.record.dials.length).toBe(dialsAtStop);
    expect(
      await count(
        'SELECT count(*)::int AS n FROM call_attempts WHERE claimed_at > $1 OR dial_started_at > $1',
        [oneTickLater],
      ),
    ).toBe(0);
    // Every dial the fake saw belongs to an attempt that started dialling before that.
    const dialled = new Set(
      (
        await db.pool.query<{ id: string }>(
          'SELECT id::text FROM call_attempts WHERE dial_started_at <= $1',
          [oneTickLater],
        )
      ).rows.map((r) => r.id),
    );
    for (const dial of sandbox().elevenlabs.record.dials) expect(dialled.has(dial.userId ?? '')).toBe(true);
    // Contacts not reached wait to be retried, not dropped.
    expect(
      await count(
        `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state = 'queued'`,
        [campaign],
      ),
    ).toBeGreaterThan(0);
    const ready = await (await fetch(`${service.url}/readyz`)).json();
    expect(ready).toMatchObject({
      dialling: 'stopped',
      diallingStopped: { by: 'ops:oncall', reason: 'incident 42: agent misbehaving' },
    });
    await db.pool.query(`UPDATE campaigns SET status = 'cancelled' WHERE id = $1`, [campaign]);
  });

  it('the breaker pauses a sandbox campaign whose dials fail at 60% and leaves one at 5% running', async () => {
    const api = signedApi(service, sandbox().demoPortal.portalId);
    sandbox().elevenlabs.setFaults({ rejectDial: { fraction: 0.6 }, rejectDialStatus: 402 });
    const failing = await campaignOf(40, 300);
    await setDialling({ stopped: false });
    service.dispatcher?.nudge();
    const status = async (id: string) =>
      (await db.pool.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [id])).rows[0]
        ?.status;
    await waitWhileProgressing(async () => (await status(failing)) === 'paused', progress, {
      what: 'the failing campaign paused',
    }).catch(failWithLogs);
    const view = await api.get(`/api/campaigns/${failing}`);
    expect(view.body.status).toBe('paused');
    expect(view.body.statusReason).toMatch(
      /^paused by the safety breaker: \d+ of \d+ recent dials were rejected by ElevenLabs \(last: 402 .+\)$/,
    );
    const changes = await db.pool.query(
      'SELECT user_id, action FROM campaign_changes WHERE campaign_id = $1',
      [failing],
    );
    expect(changes.rows).toEqual([{ user_id: null, action: 'paused' }]);

    sandbox().elevenlabs.setFaults({ rejectDial: { fraction: 0.05 } });
    const healthy = await campaignOf(40, 400);
    service.dispatcher?.nudge();
    await waitWhileProgressing(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state IN ('queued', 'dialing')`,
          [healthy],
        )) === 0,
      progress,
      { what: 'every contact of the healthy campaign called' },
    ).catch(failWithLogs);
    const rejected = await count(
      `SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND not_placed_reason LIKE 'rejected%'`,
      [healthy],
    );
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThan(8);
    expect(await status(healthy)).not.toBe('paused');
    expect(
      await count('SELECT count(*)::int AS n FROM campaign_changes WHERE campaign_id = $1', [healthy]),
    ).toBe(0);
  });
});
