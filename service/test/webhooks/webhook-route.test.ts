import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { signElevenLabsPayload } from '../../src/elevenlabs/index.js';
import { type RunningService, startService } from '../../src/runtime.js';

const SECRET = 'whsec_route_test';
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let service: RunningService;
let portalId: number;
let campaign: string;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { ELEVENLABS_WEBHOOK_SECRET: SECRET }),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  portalId = service.integrations.sandbox!.demoPortal.portalId;
  campaign = await insertCampaign(db.pool, { portalId, retryPolicy: {} });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const nowSecs = () => Math.floor(clock.now() / 1000);

function post(body: string, signature?: string): Promise<Response> {
  return fetch(`${service.url}/webhooks/elevenlabs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'elevenlabs-signature': signature } : {}),
    },
    body,
  });
}

const signed = (body: string, t = nowSecs()) => post(body, signElevenLabsPayload(body, SECRET, t));

let seq = 0;
/** A contact with an attempt in the given status; returns the attempt id and its conversation id. */
async function seedAttempt(
  status: 'placed' | 'dialing',
): Promise<{ attemptId: string; conversationId: string }> {
  seq += 1;
  const [row] = await insertContacts(db.pool, portalId, campaign, [
    { phone: usPhone(500 + seq), state: 'dialing', contactId: String(9000 + seq) },
  ]);
  const conversationId = `conv_route_${seq}`;
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
        status, conversation_id, claimed_at, dial_started_at)
     VALUES ($1, $2, $3, $4, $5, 'phnum_test', $6, $7, $8, $8) RETURNING id::text`,
    [
      portalId,
      campaign,
      row,
      String(9000 + seq),
      usPhone(500 + seq),
      status,
      status === 'placed' ? conversationId : null,
      new Date(clock.now()),
    ],
  );
  return { attemptId: rows[0]!.id, conversationId };
}

function transcription(conversationId: string, attemptId: string, pledge: number | null): string {
  return JSON.stringify({
    type: 'post_call_transcription',
    event_timestamp: nowSecs(),
    data: {
      agent_id: 'agent_test',
      conversation_id: conversationId,
      status: 'done',
      user_id: attemptId,
      transcript: [
        { role: 'agent', message: 'Hi, this is Ava from Riverside Food Bank.', time_in_call_secs: 0 },
        { role: 'user', message: pledge ? 'Put me down for fifty.' : 'No thank you.', time_in_call_secs: 6 },
      ],
      metadata: { start_time_unix_secs: nowSecs() - 60, call_duration_secs: 60, cost: 120 },
      analysis: {
        call_successful: pledge ? 'success' : 'failure',
        transcript_summary: pledge ? 'Pledged.' : 'Declined.',
        data_collection_results: pledge
          ? { pledge_amount: { data_collection_id: 'pledge_amount', value: pledge, rationale: 'said so' } }
          : {},
      },
      conversation_initiation_client_data: {
        user_id: attemptId,
        dynamic_variables: { attempt_id: attemptId },
      },
    },
  });
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);
const attemptRow = async (id: string) =>
  (
    await db.pool.query<{
      status: string;
      outcome: string | null;
      conversation_id: string | null;
      updated_at: Date;
    }>('SELECT status, outcome, conversation_id, updated_at FROM call_attempts WHERE id = $1', [id])
  ).rows[0];

describe('POST /webhooks/elevenlabs', () => {
  it('answers 1,000 badly signed webhooks with 401 and stores nothing', async () => {
    const body = transcription('conv_forged', '00000000-0000-0000-0000-000000000000', 1000);
    const forgeries = [
      () => post(body),
      () => post(body, signElevenLabsPayload(body, 'wrong-secret', nowSecs())),
      () => post(body.replace('1000', '9999'), signElevenLabsPayload(body, SECRET, nowSecs())),
      () => post(body, signElevenLabsPayload(body, SECRET, nowSecs() - 31 * 60)),
      () => post(body, signElevenLabsPayload(body, SECRET, nowSecs() + 6 * 60)),
      () => post(body, 't=abc,v0=zz'),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) => forgeries[(i + j) % forgeries.length]!()),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(1000);
    expect(await count('SELECT count(*)::int AS n FROM webhook_events')).toBe(0);
  });

  it('stores a valid webhook before the 200, records the outcome once, and a replay changes nothing', async () => {
    const { attemptId, conversationId } = await seedAttempt('placed');
    const body = transcription(conversationId, attemptId, 50);
    const first = await signed(body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect(
      await count('SELECT count(*)::int AS n FROM webhook_events WHERE conversation_id = $1', [
        conversationId,
      ]),
    ).toBe(1);
    await waitUntil(async () => (await attemptRow(attemptId))?.status === 'ended', { what: 'the outcome' });
    const ended = await attemptRow(attemptId);
    expect(ended?.outcome).toBe('pledged');

    const replay = await signed(body, nowSecs() + 1);
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    expect(
      await count('SELECT count(*)::int AS n FROM webhook_events WHERE conversation_id = $1', [
        conversationId,
      ]),
    ).toBe(1);
    expect((await attemptRow(attemptId))?.updated_at).toEqual(ended?.updated_at);
    expect(await count('SELECT count(*)::int AS n FROM crm_writes WHERE attempt_id = $1', [attemptId])).toBe(
      1,
    );
  });

  it('matches a webhook that arrives before the dial response, by the attempt id we sent', async () => {
    const { attemptId } = await seedAttempt('dialing');
    const res = await signed(transcription('conv_early_bird', attemptId, null));
    expect(res.status).toBe(200);
    await waitUntil(async () => (await attemptRow(attemptId))?.status === 'ended', { what: 'the outcome' });
    expect(await attemptRow(attemptId)).toMatchObject({
      outcome: 'declined',
      conversation_id: 'conv_early_bird',
    });
  });

  it('stores and acknowledges an event type it does not know', async () => {
    const body = JSON.stringify({
      type: 'agent_response_correction',
      event_timestamp: nowSecs(),
      data: { x: 1 },
    });
    expect((await signed(body)).status).toBe(200);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM webhook_events WHERE event_type = 'agent_response_correction'`,
      ),
    ).toBe(1);
  });

  it('accepts a large post_call_audio without keeping the audio', async () => {
    const audio = Buffer.alloc(5 * 1024 * 1024, 7).toString('base64');
    const body = JSON.stringify({
      type: 'post_call_audio',
      event_timestamp: nowSecs(),
      data: { agent_id: 'agent_test', conversation_id: 'conv_audio', full_audio: audio },
    });
    const res = await signed(body);
    expect(res.status).toBe(200);
    const row = await db.pool.query('SELECT body FROM webhook_events WHERE conversation_id = $1', [
      'conv_audio',
    ]);
    expect(row.rows).toEqual([{ body: null }]);
  });

  it('answers a correctly signed body that is not a webhook envelope with 400', async () => {
    const res = await signed('{"hello": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('body');
  });
});
