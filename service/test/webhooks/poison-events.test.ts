import { randomBytes } from 'node:crypto';
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
import type { IncomingEvent } from '../../src/webhooks/index.js';

/**
 * Validly signed events whose content Postgres cannot hold as jsonb (a \u0000 escape, 100,000-deep nesting)
 * arrive together with good ones: each event gets its own answer, good ones are never failed by a bad neighbour,
 * and the odd ones are kept verbatim and processed all the same.
 */

const SECRET = 'whsec_poison_test';
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
const post = (body: string | Buffer) =>
  fetch(`${service.url}/webhooks/elevenlabs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'elevenlabs-signature': signElevenLabsPayload(body, SECRET, nowSecs()),
    },
    body,
  });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);

const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

function transcription(conversationId: string, extra: { summary?: string; rawField?: string } = {}): string {
  const summary = JSON.stringify(extra.summary ?? 'Declined politely.');
  return (
    `{"type":"post_call_transcription","event_timestamp":${nowSecs()},"data":{"agent_id":"agent_test",` +
    `"conversation_id":${JSON.stringify(conversationId)},"status":"done",` +
    `"transcript":[{"role":"agent","message":"Hello","time_in_call_secs":0},` +
    `{"role":"user","message":"No thanks","time_in_call_secs":4}],` +
    `"metadata":{"start_time_unix_secs":${nowSecs() - 60},"call_duration_secs":60},` +
    `"analysis":{"call_successful":"failure","transcript_summary":${summary}}` +
    `${extra.rawField ? `,"extra":${extra.rawField}` : ''}}}`
  );
}

const outcomeRecorded = (attemptId: string) =>
  waitUntil(
    async () =>
      (await count(`SELECT count(*)::int AS n FROM call_attempts WHERE id = $1 AND status = 'ended'`, [
        attemptId,
      ])) === 1,
    { what: 'the outcome recorded', timeoutMs: 10_000 },
  );

let seq = 0;
async function placedAttempt(): Promise<{ attemptId: string; conversationId: string }> {
  seq += 1;
  const [row] = await insertContacts(db.pool, portalId, campaign, [
    { phone: usPhone(300 + seq), state: 'dialing', contactId: String(7000 + seq) },
  ]);
  const conversationId = `conv_poison_${seq}`;
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
        status, conversation_id, claimed_at, dial_started_at, placed_at)
     VALUES ($1, $2, $3, $4, $5, 'phnum_test', 'placed', $6, $7, $7, $7) RETURNING id::text`,
    [portalId, campaign, row, String(7000 + seq), usPhone(300 + seq), conversationId, new Date(clock.now())],
  );
  return { attemptId: rows[0]!.id, conversationId };
}

describe('events Postgres cannot hold as jsonb', () => {
  it.for([
    { poison: 'a \\u0000 escape', body: (id: string) => transcription(id, { summary: 'nul \u0000 here' }) },
    { poison: '100,000-deep nesting', body: (id: string) => transcription(id, { rawField: DEEP }) },
  ])(
    'stores 30 good events sent at the same moment as one with $poison, each with its own 200',
    async ({ poison, body }) => {
      const round = poison.startsWith('a') ? 'nul' : 'deep';
      const good = Array.from({ length: 30 }, (_, i) => transcription(`conv_good_${round}_${i}`));
      const bad = body(`conv_bad_${round}`);
      const answers = await Promise.all([...good, bad].map((b) => post(b)));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
      expect(statuses[30]).toBe(200);
      expect(
        await count(`SELECT count(*)::int AS n FROM webhook_events WHERE conversation_id LIKE $1`, [
          `conv_good_${round}_%`,
        ]),
      ).toBe(30);
      // Kept byte for byte as it arrived.
      const kept = await db.pool.query<{ body: string }>(
        `SELECT body FROM webhook_events WHERE conversation_id = $1`,
        [`conv_bad_${round}`],
      );
      expect(kept.rows[0]?.body).toBe(bad);
    },
  );

  it('processes an outcome whose summary carries \\u0000, with the character replaced', async () => {
    const { attemptId, conversationId } = await placedAttempt();
    expect((await post(transcription(conversationId, { summary: 'said \u0000 no' }))).status).toBe(200);
    await outcomeRecorded(attemptId);
    const detail = await db.pool.query<{ summary: string }>(
      `SELECT outcome_detail->>'summary' AS summary FROM call_attempts WHERE id = $1`,
      [attemptId],
    );
    expect(detail.rows[0]?.summary).toBe('said \ufffd no');
  });

  it('processes an outcome whose payload nests 100,000 deep in a field it does not read', async () => {
    const { attemptId, conversationId } = await placedAttempt();
    expect((await post(transcription(conversationId, { rawField: DEEP }))).status).toBe(200);
    await outcomeRecorded(attemptId);
  });

  it('refuses a body that is not UTF-8, and a conversation id too long to be one, with a 400 naming the field', async () => {
    const notUtf8 = Buffer.concat([
      Buffer.from('{"type":"post_call_transcription","data":{"x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    const a = await post(notUtf8);
    expect(a.status).toBe(400);
    expect(((await a.json()) as { error: { field: string } }).error.field).toBe('body');
    const b = await post(transcription('c'.repeat(300)));
    expect(b.status).toBe(400);
    expect(((await b.json()) as { error: { field: string } }).error.field).toBe('data.conversation_id');
  });
});

describe('the event writer', () => {
  const event = (key: string): IncomingEvent => ({
    eventType: 'post_call_transcription',
    conversationId: key,
    dedupeKey: `post_call_transcription:${key}`,
    eventTimestamp: null,
    source: 'webhook',
    body: '{}',
  });

  it('answers each event of a group that Postgres refused on its own: the good ones stored, the bad one unstorable', async () => {
    // A natural key too large for its unique index (random, so it does not compress): Postgres refuses that row.
    const huge = { ...event('x'), dedupeKey: randomBytes(6_000).toString('base64') };
    const goods = Array.from({ length: 20 }, (_, i) => event(`conv_writer_${i}`));
    const results = await Promise.all([...goods, huge].map((e) => service.writer.write(e)));
    expect(results).toEqual([...Array(20).fill('stored'), 'unstorable']);
    expect(
      await count(`SELECT count(*)::int AS n FROM webhook_events WHERE conversation_id LIKE 'conv_writer_%'`),
    ).toBe(20);
    expect(
      await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'webhook-process'
                    AND (data->>'eventId')::bigint IN (SELECT id FROM webhook_events WHERE conversation_id LIKE 'conv_writer_%')`),
    ).toBe(20);
  });
});
