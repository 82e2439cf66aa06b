import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createElevenLabsClient } from '../../src/elevenlabs/client.js';
import type { DialResult, OutboundCallRequest } from '../../src/elevenlabs/types.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES, fixtureJson } from './fixtures/index.js';

const API = 'https://api.elevenlabs.io';
const TWILIO_PATH = '/v1/convai/twilio/outbound-call';
const SIP_PATH = '/v1/convai/sip-trunk/outbound-call';
const NOW = Date.parse('2026-03-02T15:00:00Z');

function client(overrides: { timeoutSeconds?: number; baseUrl?: string } = {}) {
  return createElevenLabsClient({
    apiKey: 'xi-test-key',
    baseUrl: overrides.baseUrl ?? API,
    timeoutSeconds: overrides.timeoutSeconds ?? 5,
    logger: createLogger('silent'),
    now: () => NOW,
  });
}

const request: OutboundCallRequest = {
  agentId: 'agent_5501k9czkv3qepy815bm59nt04qk',
  phoneNumberId: 'phnum_8401k9ndc950ewza733y8thmpbrx',
  provider: 'twilio',
  toNumber: '+15557654321',
  dynamicVariables: { donor_first_name: 'Maria', last_gift_amount: 50, is_recurring: false },
  userId: 'att_42',
  ringingTimeoutSecs: 25,
};

/** Captures each dial that reaches the fake API, so a test can assert how many were sent. */
function recordDials() {
  const seen: unknown[] = [];
  const scope = nock(API, { reqheaders: { 'xi-api-key': 'xi-test-key' } });
  // nock 15 hands a reply function the fetch Request (a two-argument function would be taken as callback style).
  const reply =
    (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    async (req: Request) => {
      seen.push(await req.json());
      return [status, body, headers] as const;
    };
  return { seen, scope, reply };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('placeOutboundCall on the wire', () => {
  it('posts a Twilio dial with snake_case keys, our attempt id twice and the ringing timeout', async () => {
    const dial = recordDials();
    dial.scope.post(TWILIO_PATH).reply(dial.reply(200, fixtureJson(FIXTURES.twilioOutboundCall)));

    const result = await client().placeOutboundCall(request);

    expect(dial.seen).toEqual([
      {
        agent_id: 'agent_5501k9czkv3qepy815bm59nt04qk',
        agent_phone_number_id: 'phnum_8401k9ndc950ewza733y8thmpbrx',
        to_number: '+15557654321',
        conversation_initiation_client_data: {
          user_id: 'att_42',
          dynamic_variables: {
            donor_first_name: 'Maria',
            last_gift_amount: 50,
            is_recurring: false,
            attempt_id: 'att_42',
          },
        },
        telephony_call_config: { ringing_timeout_secs: 25 },
      },
    ]);
    expect(result).toEqual({
      kind: 'placed',
      conversationId: 'conv_01jz8k2m3n4p5q6r7s8t9v0w1x',
      callSid: 'CA5f1c2e3d4b5a69788796a5b4c3d2e1f0',
      sipCallId: null,
    });
  });

  it('posts a SIP-trunk dial to its own endpoint and reads sip_call_id', async () => {
    const dial = recordDials();
    dial.scope.post(SIP_PATH).reply(
      dial.reply(200, {
        success: true,
        message: 'Success',
        conversation_id: 'conv_sip_1',
        sip_call_id: 'SCL_a1b2c3',
      }),
    );

    const result = await client().placeOutboundCall({
      ...request,
      provider: 'sip_trunk',
      ringingTimeoutSecs: undefined,
    });

    expect(dial.seen).toHaveLength(1);
    expect(dial.seen[0]).toMatchObject({
      agent_phone_number_id: 'phnum_8401k9ndc950ewza733y8thmpbrx',
      telephony_call_config: { ringing_timeout_secs: 30 },
      conversation_initiation_client_data: { user_id: 'att_42', dynamic_variables: { attempt_id: 'att_42' } },
    });
    expect(result).toEqual({
      kind: 'placed',
      conversationId: 'conv_sip_1',
      callSid: null,
      sipCallId: 'SCL_a1b2c3',
    });
  });

  it('keeps our attempt_id when the caller passes a dynamic variable of the same name', async () => {
    const dial = recordDials();
    dial.scope.post(TWILIO_PATH).reply(dial.reply(200, fixtureJson(FIXTURES.twilioOutboundCall)));
    await client().placeOutboundCall({ ...request, dynamicVariables: { attempt_id: 'forged' } });
    expect(dial.seen[0]).toMatchObject({
      conversation_initiation_client_data: { dynamic_variables: { attempt_id: 'att_42' } },
    });
  });

  it("sends a campaign's first message as the agent's first_message override, on the wire", async () => {
    const dial = recordDials();
    dial.scope.post(SIP_PATH).reply(dial.reply(200, { success: true, message: 'ok', conversation_id: 'c1' }));
    await client().placeOutboundCall({
      ...request,
      provider: 'sip_trunk',
      firstMessage: 'Hi {{first_name}}!',
    });
    expect(dial.seen[0]).toMatchObject({
      conversation_initiation_client_data: {
        user_id: 'att_42',
        conversation_config_override: { agent: { first_message: 'Hi {{first_name}}!' } },
      },
    });
  });

  it('logs the dial with the number masked', async () => {
    nock(API).post(TWILIO_PATH).reply(200, fixtureJson(FIXTURES.twilioOutboundCall));
    const lines: string[] = [];
    const api = createElevenLabsClient({
      apiKey: 'xi-test-key',
      baseUrl: API,
      logger: createLogger('info', { write: (line: string) => lines.push(line) }),
    });
    await api.placeOutboundCall(request);
    const logged = lines.join('');
    expect(logged).toContain('"attemptId":"att_42"');
    expect(logged).toContain('"to":"+15*******21"');
    expect(logged).not.toContain('5557654321');
    expect(logged).not.toContain('xi-test-key');
  });

  it('refuses, before sending anything, a ringing timeout under 15 s or a number that is not E.164', async () => {
    const scope = nock(API).post(TWILIO_PATH).reply(200, fixtureJson(FIXTURES.twilioOutboundCall));
    await expect(client().placeOutboundCall({ ...request, ringingTimeoutSecs: 10 })).rejects.toThrow(
      RangeError,
    );
    await expect(client().placeOutboundCall({ ...request, toNumber: '555-1234' })).rejects.toThrow(
      RangeError,
    );
    expect(scope.isDone()).toBe(false);
  });
});

describe('placeOutboundCall outcomes', () => {
  it('answers a 429 as at-capacity with Retry-After in seconds, after exactly one request', async () => {
    const dial = recordDials();
    dial.scope
      .post(TWILIO_PATH)
      .reply(
        dial.reply(
          429,
          { detail: { status: 'too_many_concurrent_requests', message: 'Too many concurrent requests' } },
          { 'Retry-After': '12' },
        ),
      );
    const spare = nock(API).post(TWILIO_PATH).reply(200, fixtureJson(FIXTURES.twilioOutboundCall));

    const result = await client().placeOutboundCall(request);

    expect(result).toEqual({
      kind: 'at-capacity',
      retryAfterMs: 12_000,
      code: 'too_many_concurrent_requests',
      message: 'Too many concurrent requests',
    });
    expect(dial.seen).toHaveLength(1);
    expect(dial.scope.isDone()).toBe(true);
    expect(spare.isDone()).toBe(false);
  });

  it('reads a Retry-After given as an HTTP date against the injected clock', async () => {
    nock(API)
      .post(TWILIO_PATH)
      .reply(
        429,
        { detail: { status: 'system_busy', message: 'Please retry' } },
        {
          'Retry-After': new Date(NOW + 90_000).toUTCString(),
        },
      );
    const result = await client().placeOutboundCall(request);
    expect(result).toMatchObject({ kind: 'at-capacity', retryAfterMs: 90_000, code: 'system_busy' });
  });

  it('answers a 429 without Retry-After as at-capacity with no delay hint', async () => {
    nock(API)
      .post(TWILIO_PATH)
      .reply(429, { detail: { status: 'too_many_concurrent_requests', message: 'Busy' } });
    expect(await client().placeOutboundCall(request)).toMatchObject({
      kind: 'at-capacity',
      retryAfterMs: null,
    });
  });

  it('answers a 200 with success:false as at-capacity with the API message', async () => {
    nock(API).post(TWILIO_PATH).reply(200, {
      success: false,
      message: 'Concurrency limit reached',
      conversation_id: null,
      callSid: null,
    });
    expect(await client().placeOutboundCall(request)).toEqual({
      kind: 'at-capacity',
      retryAfterMs: null,
      code: null,
      message: 'Concurrency limit reached',
    });
  });

  it('answers a 422 as rejected with the field list flattened', async () => {
    nock(API)
      .post(TWILIO_PATH)
      .reply(422, {
        detail: [
          { type: 'missing', loc: ['body', 'agent_phone_number_id'], msg: 'Field required', input: null },
          { type: 'string_type', loc: ['body', 'to_number'], msg: 'Input should be a valid string' },
        ],
      });
    expect(await client().placeOutboundCall(request)).toEqual({
      kind: 'rejected',
      status: 422,
      code: null,
      message: 'body.agent_phone_number_id: Field required; body.to_number: Input should be a valid string',
    });
  });

  it('answers a 400 as rejected with the API message and code', async () => {
    const message = 'We are missing some Twilio credentials for the number. Please delete and re-create it.';
    nock(API)
      .post(TWILIO_PATH)
      .reply(400, { detail: { status: 'invalid_provider_config', message } });
    expect(await client().placeOutboundCall(request)).toEqual({
      kind: 'rejected',
      status: 400,
      code: 'invalid_provider_config',
      message,
    });
  });

  it('answers a 500 as unknown and never sends the dial a second time', async () => {
    const dial = recordDials();
    dial.scope
      .post(TWILIO_PATH)
      .reply(dial.reply(500, { detail: { status: 'internal_error', message: 'boom' } }));
    const spare = nock(API).post(TWILIO_PATH).times(3).reply(200, fixtureJson(FIXTURES.twilioOutboundCall));

    const result = await client().placeOutboundCall(request);

    expect(result).toEqual({ kind: 'unknown', reason: 'HTTP 500: boom' });
    expect(dial.seen).toHaveLength(1);
    expect(spare.pendingMocks()).toHaveLength(1);
    expect(spare.isDone()).toBe(false);
  });

  it('answers a 502 with an HTML body as unknown', async () => {
    nock(API).post(TWILIO_PATH).reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' });
    expect(await client().placeOutboundCall(request)).toEqual({
      kind: 'unknown',
      reason: 'HTTP 502: <html>Bad Gateway</html>',
    });
  });

  it('answers no reply within the client timeout as unknown, without a second request', async () => {
    let requests = 0;
    // A reply that never comes (nock's own .delay() crashes undici when the request is aborted meanwhile).
    nock(API)
      .post(TWILIO_PATH)
      .times(2)
      .reply(() => {
        requests += 1;
        return new Promise<[number, unknown]>(() => {});
      });

    const result = await client({ timeoutSeconds: 0.2 }).placeOutboundCall(request);

    expect(result).toEqual({ kind: 'unknown', reason: 'no answer within 0.2s' });
    expect(requests).toBe(1);
  });

  it('answers a broken connection as unknown', async () => {
    nock(API).post(TWILIO_PATH).replyWithError('socket hang up');
    const result = await client().placeOutboundCall(request);
    expect(result.kind).toBe('unknown');
    expect(result).toMatchObject({ reason: expect.stringMatching(/^network error: .*socket hang up/) });
  });

  it('answers a refused connection as unknown', async () => {
    nock.enableNetConnect('127.0.0.1');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    let result: DialResult;
    try {
      result = await client({ baseUrl: `http://127.0.0.1:${port}` }).placeOutboundCall(request);
    } finally {
      nock.disableNetConnect();
    }
    expect(result).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('answers a 200 it cannot read as unknown, since the call may exist', async () => {
    nock(API).post(TWILIO_PATH).reply(200, 'OK', { 'content-type': 'text/plain' });
    expect(await client().placeOutboundCall(request)).toMatchObject({ kind: 'unknown' });
  });

  it('answers success without a conversation id as unknown', async () => {
    nock(API)
      .post(TWILIO_PATH)
      .reply(200, { success: true, message: 'ok', conversation_id: null, callSid: null });
    expect(await client().placeOutboundCall(request)).toEqual({
      kind: 'unknown',
      reason: 'ElevenLabs reported success without a conversation id',
    });
  });
});
