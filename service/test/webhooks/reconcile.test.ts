import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { shiftedClock } from '../../src/clock.js';
import { signElevenLabsPayload } from '../../src/elevenlabs/index.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { reconcileOutcomes } from '../../src/webhooks/index.js';

const SECRET = 'whsec_reconcile_test';
let db: TestDatabase;
let service: RunningService;
let campaign: string;
let seq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { ELEVENLABS_WEBHOOK_SECRET: SECRET }),
    logger: silentLogger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    sandboxTimeScale: 0.005,
    startDispatcher: false,
  });
  const { portalId, agentId, phoneNumberId } = service.integrations.sandbox!.demoPortal;
  campaign = await insertCampaign(db.pool, { portalId, agentId, phoneNumberId, retryPolicy: {} });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

/** A real dial on the fake, recorded as a placed attempt, the way placement would have left it. */
async function placedCall(): Promise<{ attemptId: string; conversationId: string }> {
  const sandbox = service.integrations.sandbox!;
  const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
  seq += 1;
  const phone = usPhone(700 + seq);
  sandbox.elevenlabs.script(phone, 'declined');
  const [row] = await insertContacts(db.pool, portalId, campaign, [{ phone, state: 'dialing' }]);
  const attemptId = (
    await db.pool.query<{ id: string }>(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
          status, claimed_at, dial_started_at) VALUES ($1, $2, $3, $4, $5, $6, 'dialing', now(), now()) RETURNING id::text`,
      [portalId, campaign, row, phone.slice(1), phone, phoneNumberId],
    )
  ).rows[0]!.id;
  const dial = await service.integrations.elevenlabs.placeOutboundCall({
    agentId,
    phoneNumberId,
    provider: 'twilio',
    toNumber: phone,
    dynamicVariables: {},
    userId: attemptId,
  });
  if (dial.kind !== 'placed') throw new Error(`dial ${dial.kind}`);
  await db.pool.query(
    `UPDATE call_attempts SET status = 'placed', conversation_id = $2, placed_at = $3 WHERE id = $1`,
    [attemptId, dial.conversationId, new Date(service.engine.clock.now() - 60_000)],
  );
  return { attemptId, conversationId: dial.conversationId };
}

const status = async (id: string) =>
  (
    await db.pool.query<{ status: string; outcome: string | null }>(
      'SELECT status, outcome FROM call_attempts WHERE id = $1',
      [id],
    )
  ).rows[0];

describe('outcome reconciliation', () => {
  it('recovers the outcome of a call whose webhook was lost, exactly once', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 1 } });
    const { attemptId } = await placedCall();
    await sandbox.elevenlabs.settleAll();
    expect(sandbox.elevenlabs.record.webhooks.filter((w) => w.dropped)).toHaveLength(1);

    const first = await reconcileOutcomes(service.engine, service.writer, { quietForMs: 30_000 });
    expect(first).toMatchObject({ recovered: 1 });
    await waitUntil(async () => (await status(attemptId))?.status === 'ended', {
      what: 'the recovered outcome',
    });
    expect((await status(attemptId))?.outcome).toBe('declined');

    const again = await reconcileOutcomes(service.engine, service.writer, { quietForMs: 30_000 });
    expect(again.recovered).toBe(0);
    const events = await db.pool.query(`SELECT source FROM webhook_events WHERE attempt_id = $1`, [
      attemptId,
    ]);
    expect(events.rows).toEqual([{ source: 'reconciliation' }]);
  });

  it('answers the lost webhook, arriving after reconciliation recovered its call, as a duplicate that changes nothing', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 1 } });
    const { attemptId, conversationId } = await placedCall();
    await sandbox.elevenlabs.settleAll();
    expect((await reconcileOutcomes(service.engine, service.writer, { quietForMs: 30_000 })).recovered).toBe(
      1,
    );
    await waitUntil(async () => (await status(attemptId))?.status === 'ended', {
      what: 'the recovered outcome',
    });

    const t = Math.floor(service.engine.clock.now() / 1000);
    const body = JSON.stringify({
      type: 'post_call_transcription',
      event_timestamp: t,
      data: { conversation_id: conversationId, agent_id: 'late', status: 'done' },
    });
    const late = await fetch(`${service.url}/webhooks/elevenlabs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ElevenLabs-Signature': signElevenLabsPayload(body, SECRET, t),
      },
      body,
    });
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ received: true, duplicate: true });
    const events = await db.pool.query(`SELECT source FROM webhook_events WHERE conversation_id = $1`, [
      conversationId,
    ]);
    expect(events.rows).toEqual([{ source: 'reconciliation' }]);
    expect((await status(attemptId))?.outcome).toBe('declined');
  });

  it('leaves calls that are still running alone', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.resetFaults();
    const { attemptId } = await placedCall();
    const result = await reconcileOutcomes(service.engine, service.writer, { quietForMs: 30_000 });
    expect(result.stillRunning).toBeGreaterThanOrEqual(1);
    expect(result.recovered).toBe(0);
    expect((await status(attemptId))?.status).toBe('placed');
    await sandbox.elevenlabs.settleAll();
  });
});
