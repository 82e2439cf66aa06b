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
import { type ShiftedClock, shiftedClock } from '../../src/core/clock.js';
import { signElevenLabsPayload } from '../../src/elevenlabs/index.js';
import { checkPlacedCall, reconcileSweep } from '../../src/reconciliation/index.js';
import { type RunningService, startService } from '../../src/runtime.js';

/**
 * The look each placed call gets at ElevenLabs when it should have ended (job `call-check`), driven by hand here
 * (the dispatcher is off and the attempts are written directly, so no job of the service's own interferes).
 */

const SECRET = 'whsec_call_check_test';
const GRACE_MS = 60_000;
let db: TestDatabase;
let service: RunningService;
let clock: ShiftedClock;
let campaign: string;
let seq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  clock = shiftedClock(TUESDAY_AFTERNOON_NY);
  service = await startService({
    config: sandboxTestConfig(db, { ELEVENLABS_WEBHOOK_SECRET: SECRET }),
    logger: silentLogger,
    clock,
    sandboxTimeScale: 0.005,
    startDispatcher: false,
    engineSettings: { noTraceGraceMs: GRACE_MS },
  });
  const { portalId, agentId, phoneNumberId } = service.integrations.sandbox!.demoPortal;
  campaign = await insertCampaign(db.pool, {
    portalId,
    agentId,
    phoneNumberId,
    retryPolicy: { failed: { delayMinutes: 60, maxAttempts: 2 } },
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

/** A placed attempt, the way placement leaves it: on a real call of the fake, or on a conversation id it never saw. */
async function placedCall(
  options: { unknownToProvider?: boolean } = {},
): Promise<{ attemptId: string; conversationId: string; contactRow: string }> {
  const sandbox = service.integrations.sandbox!;
  const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
  seq += 1;
  const phone = usPhone(700 + seq);
  sandbox.elevenlabs.script(phone, 'declined');
  const [contactRow] = await insertContacts(db.pool, portalId, campaign, [{ phone, state: 'dialing' }]);
  const attemptId = (
    await db.pool.query<{ id: string }>(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
          status, claimed_at, dial_started_at) VALUES ($1, $2, $3, $4, $5, $6, 'dialing', now(), now()) RETURNING id::text`,
      [portalId, campaign, contactRow, phone.slice(1), phone, phoneNumberId],
    )
  ).rows[0]!.id;
  let conversationId = `conv_vanished_${seq}`;
  if (!options.unknownToProvider) {
    const dial = await service.integrations.elevenlabs.placeOutboundCall({
      agentId,
      phoneNumberId,
      provider: 'twilio',
      toNumber: phone,
      dynamicVariables: {},
      userId: attemptId,
    });
    if (dial.kind !== 'placed') throw new Error(`dial ${dial.kind}`);
    conversationId = dial.conversationId;
  }
  await db.pool.query(
    `UPDATE call_attempts SET status = 'placed', conversation_id = $2, placed_at = $3, check_due_at = $3
      WHERE id = $1`,
    [attemptId, conversationId, new Date(clock.now())],
  );
  await db.pool.query(`UPDATE campaign_contacts SET attempts = 1 WHERE id = $1`, [contactRow]);
  return { attemptId, conversationId, contactRow: contactRow! };
}

const attempt = async (id: string) =>
  (
    await db.pool.query<{
      status: string;
      outcome: string | null;
      reason: string | null;
      missing_looks: number;
      check_due_at: Date | null;
    }>(
      `SELECT status, outcome, outcome_detail->>'reason' AS reason, missing_looks, check_due_at
         FROM call_attempts WHERE id = $1`,
      [id],
    )
  ).rows[0];

const check = (attemptId: string) =>
  checkPlacedCall(service.engine, service.writer, {
    attemptId,
    portalId: service.integrations.sandbox!.demoPortal.portalId,
  });

describe('looking up a placed call when it should have ended', () => {
  it('recovers the outcome of a call whose webhook was lost, exactly once', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 1 } });
    const { attemptId } = await placedCall();
    await sandbox.elevenlabs.settleAll();
    expect(sandbox.elevenlabs.record.webhooks.filter((w) => w.dropped)).toHaveLength(1);

    expect(await check(attemptId)).toBe('recovered');
    await waitUntil(async () => (await attempt(attemptId))?.status === 'ended', {
      what: 'the recovered outcome',
    });
    expect((await attempt(attemptId))?.outcome).toBe('declined');

    expect(await check(attemptId)).toBe('settled');
    const events = await db.pool.query(`SELECT source FROM webhook_events WHERE attempt_id = $1`, [
      attemptId,
    ]);
    expect(events.rows).toEqual([{ source: 'reconciliation' }]);
  });

  it('answers the lost webhook, arriving after its call was recovered, as a duplicate that changes nothing', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 1 } });
    const { attemptId, conversationId } = await placedCall();
    await sandbox.elevenlabs.settleAll();
    expect(await check(attemptId)).toBe('recovered');
    await waitUntil(async () => (await attempt(attemptId))?.status === 'ended', {
      what: 'the recovered outcome',
    });

    const t = Math.floor(clock.now() / 1000);
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
    expect((await attempt(attemptId))?.outcome).toBe('declined');
  });

  it('processes again a webhook that was set aside as not ours before the call was known to be ours', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 1 } });
    const { attemptId, conversationId } = await placedCall();
    await sandbox.elevenlabs.settleAll();
    // What an early webhook without our attempt id leaves behind once its patience ran out.
    const body = JSON.stringify({
      type: 'post_call_transcription',
      event_timestamp: Math.floor(clock.now() / 1000),
      data: { ...sandbox.elevenlabs.conversation(conversationId), user_id: null },
    });
    await db.pool.query(
      `INSERT INTO webhook_events (event_type, conversation_id, dedupe_key, body, processed_at, process_error)
       VALUES ('post_call_transcription', $1, $2, $3, now(), 'no matching attempt: not a call we placed')`,
      [conversationId, `post_call_transcription:${conversationId}`, body],
    );
    expect(await check(attemptId)).toBe('recovered');
    await waitUntil(async () => (await attempt(attemptId))?.status === 'ended', {
      what: 'the outcome of the reprocessed webhook',
      timeoutMs: 10_000,
    });
    expect(await attempt(attemptId)).toMatchObject({ outcome: 'declined' });
  });

  it('looks at each call on its own: a lookup that fails for one call does not hold up another', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults({ dropWebhook: { next: 2 } });
    const broken = await placedCall();
    const fine = await placedCall();
    await sandbox.elevenlabs.settleAll();
    const real = service.integrations.elevenlabs;
    const deps = {
      ...service.engine,
      elevenlabs: {
        ...real,
        getConversation: async (id: string) => {
          if (id === broken.conversationId) throw new Error('ElevenLabs answered 500 for this conversation');
          return real.getConversation(id);
        },
      },
    };
    const portalId = sandbox.demoPortal.portalId;
    const results = await Promise.allSettled([
      checkPlacedCall(deps, service.writer, { attemptId: broken.attemptId, portalId }),
      checkPlacedCall(deps, service.writer, { attemptId: fine.attemptId, portalId }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await waitUntil(async () => (await attempt(fine.attemptId))?.status === 'ended', {
      what: 'the outcome of the call whose lookup worked',
    });
    expect((await attempt(broken.attemptId))?.status).toBe('placed');
    // Its own next look (here the real client) recovers it.
    expect(await check(broken.attemptId)).toBe('recovered');
  });

  it('looks again later at a call that is still running, and leaves it placed', async () => {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.resetFaults();
    const { attemptId } = await placedCall();
    const before = clock.now();
    expect(await check(attemptId)).toBe('running');
    const row = await attempt(attemptId);
    expect(row?.status).toBe('placed');
    expect(row?.check_due_at?.getTime()).toBeGreaterThan(before);
    await sandbox.elevenlabs.settleAll();
  });

  it('ends a call the provider has no trace of as failed after three looks over the grace period, and retries it by policy', async () => {
    const { attemptId, contactRow } = await placedCall({ unknownToProvider: true });
    expect(await check(attemptId)).toBe('missing');
    expect(await check(attemptId)).toBe('missing');
    // Three looks, but all within the grace period: not yet.
    expect(await check(attemptId)).toBe('missing');
    expect(await attempt(attemptId)).toMatchObject({ status: 'placed', missing_looks: 3 });

    clock.advance(GRACE_MS);
    const endedAt = clock.now();
    expect(await check(attemptId)).toBe('given_up');
    expect(await attempt(attemptId)).toMatchObject({
      status: 'ended',
      outcome: 'failed',
      reason: 'no trace at provider',
    });
    // The slot and the person's line are free, and the retry policy (failed: again after 60 min) applies.
    const contact = (
      await db.pool.query<{ state: string; next_attempt_at: Date | null }>(
        'SELECT state, next_attempt_at FROM campaign_contacts WHERE id = $1',
        [contactRow],
      )
    ).rows[0];
    expect(contact?.state).toBe('queued');
    expect(contact?.next_attempt_at?.getTime()).toBeGreaterThanOrEqual(endedAt + 60 * 60_000);
    // And the failure reaches HubSpot like any outcome.
    const queued = await db.pool.query(`SELECT 1 FROM crm_writes WHERE attempt_id = $1`, [attemptId]);
    expect(queued.rowCount).toBe(1);
  });

  it('the reconciliation sweep sends a new look for a placed call whose look is overdue, and not for one that is not', async () => {
    const overdue = await placedCall({ unknownToProvider: true });
    const notYet = await placedCall({ unknownToProvider: true });
    await db.pool.query(`UPDATE call_attempts SET check_due_at = $2 WHERE id = $1`, [
      overdue.attemptId,
      new Date(clock.now() - 3 * 60_000),
    ]);
    await db.pool.query(`UPDATE call_attempts SET check_due_at = $2 WHERE id = $1`, [
      notYet.attemptId,
      new Date(clock.now() + 60_000),
    ]);
    const jobsFor = async (id: string) =>
      Number(
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'call-check' AND data->>'attemptId' = $1`,
            [id],
          )
        ).rows[0]?.n,
      );
    const result = await reconcileSweep(service.engine);
    expect(result.overdueLooks).toBeGreaterThanOrEqual(1);
    expect(await jobsFor(overdue.attemptId)).toBe(1);
    expect(await jobsFor(notYet.attemptId)).toBe(0);
    // Sent once: the next sweep leaves it to that job unless it too is overdue.
    await reconcileSweep(service.engine);
    expect(await jobsFor(overdue.attemptId)).toBe(1);
  });

  it('queues the processing of a stored event whose job was lost', async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO webhook_events (event_type, conversation_id, dedupe_key, body, received_at)
       VALUES ('post_call_transcription', 'conv_lost_job', 'post_call_transcription:conv_lost_job', '{}',
               now() - interval '10 minutes') RETURNING id::text`,
    );
    const result = await reconcileSweep(service.engine);
    expect(result.requeuedEvents).toBeGreaterThanOrEqual(1);
    await waitUntil(
      async () =>
        (
          await db.pool.query(`SELECT 1 FROM webhook_events WHERE id = $1 AND processed_at IS NOT NULL`, [
            rows[0]!.id,
          ])
        ).rowCount === 1,
      { what: 'the requeued event processed', timeoutMs: 10_000 },
    );
  });
});
