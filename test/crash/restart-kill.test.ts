import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftedClock } from '../../service/src/core/clock.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../service/src/core/deps.js';
import { freePort } from '../../service/src/db/embedded-postgres.js';
import { latestEndAt, STILL_RUNNING_LIMIT_SECS } from '../../service/src/reconciliation/call-check-policy.js';
import { type Sandbox, startSandbox } from '../../service/src/sandbox/index.js';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../helpers/campaign-fixtures.js';
import { startTsProcess, type TsProcess } from '../helpers/child-process.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../helpers/database.js';
import { callableDemoContacts } from '../helpers/sandbox-service.js';
import { waitUntil, waitWhileProgressing } from '../helpers/wait.js';
import { SERVICE_READY_MARKER } from './crash-protocol.js';

/**
 * The service is killed with SIGKILL in the middle of a campaign and started again. As in plain sandbox mode, the
 * fake ElevenLabs dies with it: the calls in flight at the kill vanish without a webhook, and the restarted
 * service talks to a fresh fake that has no trace of them. The campaign must still complete: those calls end as
 * failed ("no trace at provider") within the stated bound and are retried by the campaign's policy, and no attempt
 * is ever dialled twice. Checked from the fakes' own records of dials, and from our tables.
 */

const SCRIPT = path.join(import.meta.dirname, 'service-process.ts');
const SECRET = 'whsec_restart_test';
const CONTACTS = 60;
const TIME_SCALE = 0.01;
const NO_TRACE_GRACE_MS = 4_000;
const DIALS_BEFORE_KILL = 20;
const CLOCK_OFFSET_MS = TUESDAY_AFTERNOON_NY - Date.now();
const engineClock = shiftedClock(Date.now() + CLOCK_OFFSET_MS);

let db: TestDatabase;
let before: Sandbox | undefined;
let after: Sandbox | undefined;
const processes: TsProcess[] = [];

const startFake = () =>
  startSandbox({
    logger: silentLogger,
    clock: engineClock,
    elevenLabsWebhookSecret: SECRET,
    concurrencyLimit: 100,
    hubspotRateLimit: false,
    timeScale: TIME_SCALE,
  });

function startService(sandbox: Sandbox, port: number): TsProcess {
  const child = startTsProcess(
    SCRIPT,
    {
      DATABASE_URL: db.url,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_SECONDS: '2',
      // Real credentials pointed at the fakes: the process talks to them as it would to ElevenLabs and HubSpot.
      ELEVENLABS_API_KEY: 'sandbox-key',
      ELEVENLABS_BASE_URL: sandbox.elevenlabs.url,
      ELEVENLABS_WEBHOOK_SECRET: SECRET,
      HUBSPOT_ACCESS_TOKEN: sandbox.demoPortal.accessToken,
      HUBSPOT_PORTAL_ID: String(sandbox.demoPortal.portalId),
      HUBSPOT_BASE_URL: sandbox.hubspot.url,
      CLOCK_OFFSET_MS: String(CLOCK_OFFSET_MS),
      PROVIDER_TIME_SCALE: String(TIME_SCALE),
      NO_TRACE_GRACE_MS: String(NO_TRACE_GRACE_MS),
      // A dial cut short by the kill is unknown until this passes with no trace of it (2 min by default).
      UNKNOWN_DIAL_GRACE_MS: '5000',
    },
    SERVICE_READY_MARKER,
  );
  processes.push(child);
  return child;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const p of processes) await p.stop(2_000);
  await before?.stop();
  await after?.stop();
  await db?.drop();
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);

describe('a service killed with SIGKILL mid-campaign and started again', () => {
  it('completes the campaign: calls that vanished end as "no trace at provider" and are retried, none dialled twice', async () => {
    before = await startFake();
    const { portalId, agentId, phoneNumberId } = before.demoPortal;
    await insertPortal(db.pool, portalId);
    const campaign = await insertCampaign(db.pool, {
      portalId,
      agentId,
      phoneNumberId,
      concurrencyCap: 8,
      dialsPerSecond: 20,
      requireConsent: true,
      maxAttempts: 3,
      retryPolicy: {
        failed: { delayMinutes: 0, maxAttempts: 3 },
        no_answer: { delayMinutes: 0, maxAttempts: 2 },
        busy: { delayMinutes: 0, maxAttempts: 2 },
      },
    });
    await insertContacts(
      db.pool,
      portalId,
      campaign,
      callableDemoContacts(CONTACTS, 5_000).map((contactId, i) => ({ contactId, phone: usPhone(3_000 + i) })),
    );
    const port = await freePort();
    const webhookUrl = `http://127.0.0.1:${port}/webhooks/elevenlabs`;
    before.elevenlabs.setWebhookUrl(webhookUrl);

    const first = startService(before, port);
    await first.ready;
    const fakeBefore = before;
    // Killed once calls are going on that the service has recorded as placed: those vanish with the fake and must
    // end as "no trace at provider". (Waiting on dials alone, a loaded machine was sometimes killed before it had
    // recorded any answer, and only dials cut short were left to check.)
    await waitUntil(
      async () =>
        fakeBefore.elevenlabs.record.dials.length >= DIALS_BEFORE_KILL &&
        (await count(`SELECT count(*)::int AS n FROM call_attempts WHERE status = 'placed'`, [])) > 0,
      { timeoutMs: 60_000, what: `${DIALS_BEFORE_KILL} dials and a call recorded as placed before the kill` },
    );
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The fake dies with the process, as in plain sandbox mode: calls in flight vanish, no webhook comes.
    const vanished = fakeBefore.elevenlabs.record.dials
      .filter((d) => {
        const status = fakeBefore.elevenlabs.conversation(d.conversationId)?.status;
        return status !== 'done' && status !== 'failed';
      })
      .map((d) => d.userId);
    await fakeBefore.stop();

    after = await startFake();
    after.elevenlabs.setWebhookUrl(webhookUrl);
    const restartedAt = engineClock.now();
    const second = startService(after, port);
    await second.ready;
    const status = async () =>
      (await db.pool.query<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [campaign]))
        .rows[0]?.status;
    try {
      await waitWhileProgressing(
        async () => (await status()) === 'completed',
        async () =>
          JSON.stringify(
            (
              await db.pool.query(
                `SELECT status, count(*)::int AS n FROM call_attempts GROUP BY 1 ORDER BY 1`,
              )
            ).rows,
          ),
        { stallMs: 90_000, what: 'the campaign to complete after the restart' },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nservice output:\n${second.output()}`);
    }
    await second.stop();

    const attempts = (
      await db.pool.query<{
        id: string;
        campaign_contact_id: string;
        status: string;
        outcome: string | null;
        reason: string | null;
        ended_at: Date | null;
        not_placed_reason: string | null;
      }>(
        `SELECT id::text, campaign_contact_id::text, status, outcome, outcome_detail->>'reason' AS reason, ended_at,
                not_placed_reason
           FROM call_attempts WHERE campaign_id = $1`,
        [campaign],
      )
    ).rows;
    const byId = new Map(attempts.map((a) => [a.id, a]));

    // Every attempt final.
    expect(attempts.filter((a) => !['ended', 'not_placed'].includes(a.status))).toEqual([]);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state IN ('queued', 'dialing')`,
        [campaign],
      ),
    ).toBe(0);

    // The calls that vanished with the first fake. Those known to be placed ended as failed, no trace at provider,
    // within the bound (the README's; the first look is due at once after a restart). A dial cut short by the kill
    // (its answer never recorded) is reconciled as never placed: the only provider that could say otherwise died
    // with the process, as only in sandbox mode (ElevenLabs keeps its calls, and reconciliation finds them).
    expect(vanished.length).toBeGreaterThan(0);
    const timing = {
      ringingTimeoutSecs: DEFAULT_ENGINE_SETTINGS.ringingTimeoutSecs,
      maxCallDurationSecs: DEFAULT_ENGINE_SETTINGS.maxCallDurationSecs,
      providerTimeScale: TIME_SCALE,
      noTraceGraceMs: NO_TRACE_GRACE_MS,
    };
    // The bound counts engine time; on a loaded machine each of the looks (a job each) starts seconds late, so
    // 30 s of slack. Without the look loop only the minutely sweep would send looks, and the three looks a
    // vanished call needs would take over two minutes: still far outside bound + slack (about a minute).
    const LOADED_MACHINE_SLACK_MS = 30_000;
    const boundMs =
      latestEndAt(0, timing) +
      STILL_RUNNING_LIMIT_SECS * TIME_SCALE * 1000 +
      NO_TRACE_GRACE_MS +
      LOADED_MACHINE_SLACK_MS;
    let noTrace = 0;
    for (const id of vanished) {
      const a = byId.get(id ?? '');
      if (a?.status === 'not_placed') {
        expect(a.not_placed_reason, `attempt ${id}`).toBe('reconciled: no conversation');
        continue;
      }
      noTrace += 1;
      expect({ status: a?.status, outcome: a?.outcome, reason: a?.reason }, `attempt ${id}`).toEqual({
        status: 'ended',
        outcome: 'failed',
        reason: 'no trace at provider',
      });
      expect(a?.ended_at?.getTime() ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(restartedAt + boundMs);
    }
    expect(noTrace).toBeGreaterThan(0);
    // ...and their contacts were dialled again under the retry policy.
    for (const id of vanished) {
      const contact = byId.get(id ?? '')?.campaign_contact_id;
      const later = attempts.filter(
        (a) => a.campaign_contact_id === contact && a.id !== id && a.status === 'ended',
      );
      expect(later.length, `redial of the contact of ${id}`).toBeGreaterThanOrEqual(1);
    }

    // The fakes' records: every dial one of our attempts, no attempt dialled twice, across both fakes.
    const dials = [...fakeBefore.elevenlabs.record.dials, ...after.elevenlabs.record.dials];
    const dialled = dials.map((d) => d.userId);
    for (const id of dialled) expect(id !== null && byId.has(id), `dial of ${id}`).toBe(true);
    expect(new Set(dialled).size).toBe(dials.length);
    // Every call the fake after the restart placed ended in our tables.
    const ended = new Set(attempts.filter((a) => a.status === 'ended').map((a) => a.id));
    expect(after.elevenlabs.record.dials.filter((d) => !ended.has(d.userId ?? ''))).toEqual([]);
    const lastEnd = Math.max(...attempts.map((a) => a.ended_at?.getTime() ?? 0));
    console.log(
      `killed after ${fakeBefore.elevenlabs.record.dials.length} dials with ${vanished.length} calls in flight ` +
        `(${noTrace} known placed); ` +
        `after the restart ${after.elevenlabs.record.dials.length} more dials; ${attempts.length} attempts; ` +
        `campaign completed ${((lastEnd - restartedAt) / 1000).toFixed(1)} s (engine time) after the restart; ` +
        `bound for a vanished call ${(boundMs / 1000).toFixed(1)} s`,
    );
  }, 600_000);
});
