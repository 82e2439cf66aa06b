import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import {
  type FakeElevenLabs,
  type FakeElevenLabsOptions,
  startFakeElevenLabs,
} from '../../src/sandbox/elevenlabs/fake-elevenlabs.js';
import { arrayAt, at } from './json-path.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const logger = createLogger('silent');
const SECRET = 'wsec_test_secret';

let receiver: WebhookReceiver;
let fake: FakeElevenLabs;

async function start(options: Partial<FakeElevenLabsOptions> = {}): Promise<FakeElevenLabs> {
  fake = await startFakeElevenLabs({
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    timeScale: 0.0005,
    seed: 7,
    logger,
    ...options,
  });
  return fake;
}

interface DialBody {
  success: boolean;
  message: string;
  conversation_id: string;
  callSid?: string;
  sip_call_id?: string;
}

async function dial(
  toNumber: string,
  options: {
    userId?: string;
    path?: 'twilio' | 'sip-trunk';
    body?: Record<string, unknown>;
    apiKey?: string | null;
  } = {},
): Promise<Response> {
  const path = options.path ?? 'twilio';
  const body = options.body ?? {
    agent_id: fake.agentId,
    agent_phone_number_id: path === 'twilio' ? fake.twilioPhoneNumberId : fake.sipPhoneNumberId,
    to_number: toNumber,
    conversation_initiation_client_data: {
      user_id: options.userId ?? `attempt-${toNumber}`,
      dynamic_variables: {
        donor_first_name: 'Maria',
        last_gift_amount: 50,
        attempt_id: options.userId ?? `attempt-${toNumber}`,
      },
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== null) headers['xi-api-key'] = options.apiKey ?? 'sandbox-key';
  return fetch(`${fake.url}/v1/convai/${path}/outbound-call`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

function verifySignature(header: string, rawBody: string): { ok: boolean; t: number } {
  const t = Number(/t=(\d+)/.exec(header)?.[1]);
  const v0 = /v0=([0-9a-f]+)/.exec(header)?.[1] ?? '';
  const expected = createHmac('sha256', SECRET).update(`${t}.${rawBody}`).digest('hex');
  return { ok: v0.length === expected.length && timingSafeEqual(Buffer.from(v0), Buffer.from(expected)), t };
}

beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await fake?.stop();
  await receiver.close();
});

describe('fake ElevenLabs: dialling', () => {
  it('answers a dial like the real API and then posts a signed webhook for the same conversation', async () => {
    await start();
    fake.script('+12125550100', 'pledged');
    const res = await dial('+12125550100', { userId: 'attempt-42' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as DialBody;
    expect(body).toEqual({
      success: true,
      message: 'Success',
      conversation_id: expect.stringMatching(/^conv_[0-9a-z]{26}$/),
      callSid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
    });

    const [hook] = await receiver.waitFor(1);
    const signature = String(hook?.headers['elevenlabs-signature']);
    const { ok, t } = verifySignature(signature, hook?.rawBody ?? '');
    expect(ok).toBe(true);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    expect(hook?.headers['content-type']).toBe('application/json');

    const event = hook?.json;
    expect(event).toMatchObject({
      type: 'post_call_transcription',
      data: {
        conversation_id: body.conversation_id,
        user_id: 'attempt-42',
        status: 'done',
        conversation_initiation_client_data: {
          user_id: 'attempt-42',
          dynamic_variables: { donor_first_name: 'Maria', attempt_id: 'attempt-42' },
        },
        analysis: { call_successful: 'success' },
        metadata: {
          phone_call: {
            type: 'twilio',
            external_number: '+12125550100',
            agent_number: '+16175550100',
            call_sid: body.callSid,
          },
        },
      },
    });
    const data = at(event, 'data', 'analysis', 'data_collection_results');
    expect(at(data, 'pledge_amount', 'value')).toBeGreaterThan(0);
    expect(['one_time', 'monthly']).toContain(at(data, 'pledge_frequency', 'value'));
    expect(at(event, 'data', 'metadata', 'call_duration_secs')).toBeGreaterThan(0);
    await fake.idle();
    expect(fake.record.webhooks).toEqual([
      expect.objectContaining({ conversationId: body.conversation_id, status: 200, attempt: 1 }),
    ]);
  });

  it('dials a SIP-trunk number on its own endpoint and answers with sip_call_id', async () => {
    await start();
    const res = await dial('+13125550100', { path: 'sip-trunk' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as DialBody;
    expect(body.sip_call_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).not.toHaveProperty('callSid');
  });

  it('answers a missing field with FastAPI’s 422 body', async () => {
    await start();
    const res = await dial('+12125550100', { body: { agent_id: fake.agentId, to_number: '+12125550100' } });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'agent_phone_number_id'], msg: 'Field required', input: null },
      ],
    });
    expect(fake.record.dials).toHaveLength(0);
  });

  it('refuses a dial without xi-api-key, an unknown agent, and a SIP number on the Twilio path', async () => {
    await start();
    const noKey = await dial('+12125550100', { apiKey: null });
    expect(noKey.status).toBe(401);
    expect(at(await noKey.json(), 'detail', 'status')).toBe('needs_authorization');

    const unknownAgent = await dial('+12125550100', {
      body: {
        agent_id: 'agent_nope',
        agent_phone_number_id: fake.twilioPhoneNumberId,
        to_number: '+12125550100',
      },
    });
    expect(unknownAgent.status).toBe(404);
    expect(at(await unknownAgent.json(), 'detail', 'status')).toBe('agent_not_found');

    const sipOnTwilio = await dial('+12125550100', {
      body: {
        agent_id: fake.agentId,
        agent_phone_number_id: fake.sipPhoneNumberId,
        to_number: '+12125550100',
      },
    });
    expect(sipOnTwilio.status).toBe(400);
    expect(at(await sipOnTwilio.json(), 'detail')).toEqual({
      status: 'invalid_provider_config',
      message: expect.stringContaining('missing some Twilio credentials'),
    });
    expect(fake.record.dials).toHaveLength(0);
    expect(fake.record.rejectedDials.map((r) => r.status)).toEqual([404, 400]);
  });
});

describe('fake ElevenLabs: concurrency limit', () => {
  it('answers the dial beyond the limit with the real 429 body and never has more calls in flight', async () => {
    await start({ concurrencyLimit: 3, timeScale: 1_000 });
    const responses = await Promise.all(
      ['0100', '0101', '0102', '0103', '0104'].map((l) => dial(`+1212555${l}`)),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const rejected = responses.find((r) => r.status === 429);
    expect(await rejected?.json()).toEqual({
      detail: { status: 'too_many_concurrent_requests', message: expect.stringContaining('concurrent') },
    });
    const inFlight = await (await fetch(`${fake.url}/__sandbox/elevenlabs/calls-in-flight`)).json();
    expect(inFlight).toEqual({ current: 3, max: 3, limit: 3 });

    await fake.settleAll();
    expect(fake.inFlight).toBe(0);
    expect((await dial('+12125550105')).status).toBe(200);
    expect(fake.maxConcurrent).toBe(3);
  });

  it('keeps a burst of 60 dials within 20 in flight while calls end and free their slots', async () => {
    await start({ concurrencyLimit: 20, timeScale: 0.0002 });
    const numbers = Array.from({ length: 60 }, (_, i) => `+1415555${String(100 + i).padStart(4, '0')}`);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = numbers.slice(round * 20, round * 20 + 20 + 5);
      statuses.push(...(await Promise.all(batch.map((n) => dial(n)))).map((r) => r.status));
    }
    await fake.idle();
    expect(fake.maxConcurrent).toBeLessThanOrEqual(20);
    expect(fake.record.dials.length).toBe(statuses.filter((s) => s === 200).length);
    expect(fake.record.rejectedDials.every((r) => r.status === 429)).toBe(true);
  });
});

describe('fake ElevenLabs: conversations', () => {
  it('shows a call in progress, then exactly the webhook’s data once done', async () => {
    await start({ timeScale: 1_000 });
    const { conversation_id: id } = (await (await dial('+12125550100')).json()) as DialBody;
    const get = async (): Promise<unknown> =>
      (await fetch(`${fake.url}/v1/convai/conversations/${id}`, { headers: { 'xi-api-key': 'k' } })).json();
    const early = await get();
    expect(early).toMatchObject({ conversation_id: id, status: 'initiated', analysis: null, transcript: [] });

    await fake.settleAll();
    const [hook] = await receiver.waitFor(1);
    const event = hook?.json;
    const done = await get();
    expect(['done', 'failed']).toContain(at(done, 'status'));
    expect(at(event, 'data', 'conversation_id')).toBe(id);
    if (at(event, 'type') === 'post_call_transcription') expect(done).toEqual(at(event, 'data'));
  });

  it('answers an unknown conversation with 404', async () => {
    await start();
    const res = await fetch(`${fake.url}/v1/convai/conversations/conv_unknown`, {
      headers: { 'xi-api-key': 'k' },
    });
    expect(res.status).toBe(404);
    expect(at(await res.json(), 'detail', 'status')).toBe('conversation_not_found');
  });

  it('lists conversations newest first, filtered by user_id and paged by cursor', async () => {
    await start({ timeScale: 1_000 });
    for (let i = 0; i < 5; i++)
      await dial(`+1212555010${i}`, { userId: i === 3 ? 'attempt-x' : `attempt-${i}` });
    const list = async (query: string): Promise<unknown> =>
      (
        await fetch(`${fake.url}/v1/convai/conversations?${query}`, { headers: { 'xi-api-key': 'k' } })
      ).json();

    const byUser = await list('user_id=attempt-x');
    expect(arrayAt(byUser, 'conversations')).toHaveLength(1);
    expect(at(byUser, 'conversations', 0, 'conversation_id')).toBe(fake.record.dials[3]?.conversationId);

    const first = await list(`agent_id=${fake.agentId}&page_size=2`);
    expect(first).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    const second = await list(`page_size=2&cursor=${String(at(first, 'next_cursor'))}`);
    const third = await list(`page_size=2&cursor=${String(at(second, 'next_cursor'))}`);
    expect(third).toMatchObject({ has_more: false, next_cursor: null });
    const ids = [first, second, third].flatMap((p) =>
      arrayAt(p, 'conversations').map((c) => at(c, 'conversation_id')),
    );
    expect(ids).toEqual(fake.record.dials.map((d) => d.conversationId).reverse());

    const future = await list(`call_start_after_unix=${Math.floor(Date.now() / 1000) + 3600}`);
    expect(at(future, 'conversations')).toEqual([]);
  });
});
