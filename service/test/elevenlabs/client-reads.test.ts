import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createElevenLabsClient } from '../../src/elevenlabs/client.js';
import { conversationAttemptId } from '../../src/elevenlabs/conversation-schema.js';
import { ElevenLabsApiError } from '../../src/elevenlabs/errors.js';
import { dialProviderOf } from '../../src/elevenlabs/types.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES, fixtureJson } from './fixtures/index.js';

const API = 'https://api.elevenlabs.io';

function client(options: { timeoutSeconds?: number; readMaxRetries?: number } = {}) {
  return createElevenLabsClient({
    apiKey: 'xi-test-key',
    baseUrl: API,
    timeoutSeconds: options.timeoutSeconds ?? 5,
    readMaxRetries: options.readMaxRetries ?? 0,
    logger: createLogger('silent'),
  });
}

/** Every request must carry the API key header; a request without it matches nothing and fails the test. */
const api = () => nock(API, { reqheaders: { 'xi-api-key': 'xi-test-key' } });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('getConversation', () => {
  it('returns the conversation in its wire shape, the same model as the webhook data', async () => {
    const scope = api()
      .get('/v1/convai/conversations/conv_01jz8k2m3n4p5q6r7s8t9v0w1x')
      .reply(200, fixtureJson(FIXTURES.conversation));

    const conversation = await client().getConversation('conv_01jz8k2m3n4p5q6r7s8t9v0w1x');

    expect(scope.isDone()).toBe(true);
    expect(conversation).toMatchObject({
      conversation_id: 'conv_01jz8k2m3n4p5q6r7s8t9v0w1x',
      status: 'done',
      metadata: {
        call_duration_secs: 94,
        termination_reason: 'end_call tool was called.',
        phone_call: { type: 'twilio', call_sid: 'CA5f1c2e3d4b5a69788796a5b4c3d2e1f0' },
        // Unknown to our schema, kept as sent.
        charging: { call_charge: 380, llm_charge: 32, is_burst: false },
      },
      analysis: {
        call_successful: 'success',
        data_collection_results: { pledge_amount: { value: 75 } },
      },
      conversation_initiation_client_data: { dynamic_variables: { ask_amount: 75 } },
    });
    expect(conversation && conversationAttemptId(conversation)).toBe('donor_8842');
  });

  it('returns null on a 404', async () => {
    api()
      .get('/v1/convai/conversations/conv_missing')
      .reply(404, { detail: { status: 'conversation_not_found', message: 'Conversation not found' } });
    expect(await client().getConversation('conv_missing')).toBeNull();
  });

  it('escapes the id into the path', async () => {
    const scope = api().get('/v1/convai/conversations/a%2Fb').reply(404, {});
    await client().getConversation('a/b');
    expect(scope.isDone()).toBe(true);
  });

  it('retries a 5xx read, bounded by readMaxRetries', async () => {
    let requests = 0;
    api()
      .get('/v1/convai/conversations/conv_1')
      .times(2)
      .reply(() => {
        requests += 1;
        return [503, { detail: { status: 'system_busy', message: 'busy' } }] as const;
      });
    const error = await client({ readMaxRetries: 1 })
      .getConversation('conv_1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsApiError);
    expect(error).toMatchObject({ status: 503, failure: 'http', code: 'system_busy' });
    expect(requests).toBe(2);
  });

  it('throws a typed error on a 401 without retrying', async () => {
    let requests = 0;
    api()
      .get('/v1/convai/conversations/conv_1')
      .times(3)
      .reply(() => {
        requests += 1;
        return [401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }] as const;
      });
    await expect(client({ readMaxRetries: 2 }).getConversation('conv_1')).rejects.toMatchObject({
      name: 'ElevenLabsApiError',
      status: 401,
      code: 'invalid_api_key',
      message: 'GET /v1/convai/conversations/conv_1: Invalid API key',
    });
    expect(requests).toBe(1);
  });

  it('throws a typed error when the answer lacks what the service needs', async () => {
    api().get('/v1/convai/conversations/conv_1').reply(200, { status: 'done', transcript: [] });
    await expect(client().getConversation('conv_1')).rejects.toMatchObject({
      failure: 'invalid-response',
      status: 200,
    });
  });

  it('throws a timeout error when no answer comes in time', async () => {
    api()
      .get('/v1/convai/conversations/conv_1')
      .reply(() => new Promise<readonly [number]>(() => {}));
    await expect(client({ timeoutSeconds: 0.2 }).getConversation('conv_1')).rejects.toMatchObject({
      failure: 'timeout',
      status: null,
    });
  });

  it('throws a network error when the connection breaks', async () => {
    api().get('/v1/convai/conversations/conv_1').replyWithError('socket hang up');
    await expect(client().getConversation('conv_1')).rejects.toMatchObject({
      failure: 'network',
      status: null,
    });
  });
});

describe('listConversations', () => {
  it('sends the filters as snake_case query parameters and maps the page', async () => {
    api()
      .get('/v1/convai/conversations')
      .query({
        agent_id: 'agent_1',
        user_id: 'att_42',
        call_start_after_unix: '1767000000',
        call_start_before_unix: '1767003600',
        cursor: 'cur_1',
        page_size: '100',
      })
      .reply(200, {
        conversations: [
          {
            agent_id: 'agent_1',
            agent_name: 'Spring Appeal Caller',
            conversation_id: 'conv_1',
            start_time_unix_secs: 1767000100,
            call_duration_secs: 94,
            message_count: 12,
            status: 'done',
            call_successful: 'success',
            termination_reason: 'end_call tool was called.',
            direction: 'outbound',
            transcript_summary: 'Pledged $75.',
            rating: null,
          },
        ],
        next_cursor: 'cur_2',
        has_more: true,
      });

    const page = await client().listConversations({
      agentId: 'agent_1',
      userId: 'att_42',
      callStartAfterUnix: 1767000000,
      callStartBeforeUnix: 1767003600,
      cursor: 'cur_1',
      pageSize: 100,
    });

    expect(page).toEqual({
      conversations: [
        {
          conversationId: 'conv_1',
          agentId: 'agent_1',
          agentName: 'Spring Appeal Caller',
          status: 'done',
          startTimeUnixSecs: 1767000100,
          callDurationSecs: 94,
          messageCount: 12,
          callSuccessful: 'success',
          terminationReason: 'end_call tool was called.',
          direction: 'outbound',
          transcriptSummary: 'Pledged $75.',
        },
      ],
      nextCursor: 'cur_2',
      hasMore: true,
    });
  });

  it('sends no query parameter that was not asked for', async () => {
    const scope = api()
      .get('/v1/convai/conversations')
      .query((q) => Object.keys(q).length === 1 && q.agent_id === 'agent_1')
      .reply(200, { conversations: [], has_more: false });
    expect(await client().listConversations({ agentId: 'agent_1' })).toEqual({
      conversations: [],
      nextCursor: null,
      hasMore: false,
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe('listAgents', () => {
  it('follows the cursor until has_more is false', async () => {
    api()
      .get('/v1/convai/agents')
      .query({ page_size: '100' })
      .reply(200, {
        agents: [
          {
            agent_id: 'agent_1',
            name: 'Spring Appeal Caller',
            tags: ['fundraising'],
            created_at_unix_secs: 1760000000,
            access_info: { is_creator: true },
          },
        ],
        next_cursor: 'cur_a',
        has_more: true,
      });
    api()
      .get('/v1/convai/agents')
      .query({ page_size: '100', cursor: 'cur_a' })
      .reply(200, {
        agents: [{ agent_id: 'agent_2', name: 'Old', tags: [], created_at_unix_secs: 1, archived: true }],
        next_cursor: null,
        has_more: false,
      });

    expect(await client().listAgents()).toEqual([
      {
        agentId: 'agent_1',
        name: 'Spring Appeal Caller',
        tags: ['fundraising'],
        createdAtUnixSecs: 1760000000,
        lastCallTimeUnixSecs: null,
        archived: false,
      },
      {
        agentId: 'agent_2',
        name: 'Old',
        tags: [],
        createdAtUnixSecs: 1,
        lastCallTimeUnixSecs: null,
        archived: true,
      },
    ]);
  });
});

describe('listPhoneNumbers', () => {
  it('reads the bare array of numbers of every provider', async () => {
    api()
      .get('/v1/convai/phone-numbers')
      .reply(200, [
        {
          provider: 'twilio',
          phone_number: '+15551230000',
          label: 'Main line',
          phone_number_id: 'phnum_tw',
          supports_inbound: true,
          supports_outbound: true,
          assigned_agent: { agent_id: 'agent_1', agent_name: 'Spring Appeal Caller' },
        },
        { provider: 'sip_trunk', phone_number: '+15551230001', label: 'Trunk', phone_number_id: 'phnum_sip' },
        {
          provider: 'exotel',
          phone_number: '+911234567890',
          label: 'India',
          phone_number_id: 'phnum_ex',
          supports_outbound: false,
        },
      ]);

    const numbers = await client().listPhoneNumbers();

    expect(numbers).toEqual([
      {
        phoneNumberId: 'phnum_tw',
        phoneNumber: '+15551230000',
        label: 'Main line',
        provider: 'twilio',
        supportsOutbound: true,
        supportsInbound: true,
        assignedAgentId: 'agent_1',
      },
      {
        phoneNumberId: 'phnum_sip',
        phoneNumber: '+15551230001',
        label: 'Trunk',
        provider: 'sip_trunk',
        supportsOutbound: true,
        supportsInbound: true,
        assignedAgentId: null,
      },
      {
        phoneNumberId: 'phnum_ex',
        phoneNumber: '+911234567890',
        label: 'India',
        provider: 'exotel',
        supportsOutbound: false,
        supportsInbound: true,
        assignedAgentId: null,
      },
    ]);
    expect(numbers.map(dialProviderOf)).toEqual(['twilio', 'sip_trunk', null]);
  });
});

describe('listVoices', () => {
  it('maps the voices of GET /v1/voices', async () => {
    api()
      .get('/v1/voices')
      .reply(200, {
        voices: [
          {
            voice_id: '21m00Tcm4TlvDq8ikWAM',
            name: 'Rachel',
            category: 'premade',
            labels: { accent: 'american', gender: 'female' },
            description: 'Calm',
            preview_url: 'https://storage.example/rachel.mp3',
            samples: null,
          },
          { voice_id: 'v2' },
        ],
      });

    expect(await client().listVoices()).toEqual([
      {
        voiceId: '21m00Tcm4TlvDq8ikWAM',
        name: 'Rachel',
        category: 'premade',
        description: 'Calm',
        previewUrl: 'https://storage.example/rachel.mp3',
        labels: { accent: 'american', gender: 'female' },
      },
      { voiceId: 'v2', name: 'v2', category: null, description: null, previewUrl: null, labels: {} },
    ]);
  });
});

describe('previewSpeech', () => {
  it('posts the text for MP3 and returns the bytes', async () => {
    const mp3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0xff, 0xfb]);
    let body: unknown;
    api()
      .post('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM')
      .query({ output_format: 'mp3_44100_128' })
      .reply(async (req: Request) => {
        body = await req.json();
        return [200, mp3, { 'content-type': 'audio/mpeg' }] as const;
      });

    const audio = await client().previewSpeech('21m00Tcm4TlvDq8ikWAM', 'Hi Maria, this is Ava.');

    expect(body).toEqual({ text: 'Hi Maria, this is Ava.' });
    expect(audio.equals(mp3)).toBe(true);
  });

  it('throws a typed error with the API message', async () => {
    api()
      .post('/v1/text-to-speech/nope')
      .query(true)
      .reply(404, { detail: { status: 'voice_not_found', message: 'A voice with that ID does not exist.' } });
    await expect(client().previewSpeech('nope', 'Hi')).rejects.toMatchObject({
      name: 'ElevenLabsApiError',
      status: 404,
      code: 'voice_not_found',
    });
  });
});

describe('getAgent', () => {
  it('reads the voice, the first message and whether a call may override it', async () => {
    api()
      .get('/v1/convai/agents/agent_1')
      .reply(200, {
        agent_id: 'agent_1',
        name: 'Spring caller',
        conversation_config: {
          agent: { first_message: 'Hi {{first_name}}', language: 'en', prompt: { prompt: 'x' } },
          tts: { voice_id: 'voice_1', model_id: 'eleven_flash_v2' },
        },
        metadata: { created_at_unix_secs: 1 },
        platform_settings: {
          overrides: { conversation_config_override: { agent: { first_message: true, language: false } } },
        },
      });
    expect(await client().getAgent('agent_1')).toEqual({
      agentId: 'agent_1',
      name: 'Spring caller',
      voiceId: 'voice_1',
      firstMessage: 'Hi {{first_name}}',
      language: 'en',
      allowsFirstMessageOverride: true,
      dataCollectionIds: [],
      evaluationCriteriaIds: [],
    });
  });

  it('counts an absent override setting as not allowed, and an empty first message as none', async () => {
    api()
      .get('/v1/convai/agents/agent_2')
      .reply(200, {
        agent_id: 'agent_2',
        name: 'Locked',
        conversation_config: { agent: { first_message: '' } },
      });
    expect(await client().getAgent('agent_2')).toMatchObject({
      firstMessage: null,
      voiceId: null,
      allowsFirstMessageOverride: false,
    });
  });

  it('returns null on a 404', async () => {
    api()
      .get('/v1/convai/agents/gone')
      .reply(404, { detail: { status: 'not_found', message: 'gone' } });
    expect(await client().getAgent('gone')).toBeNull();
  });

  it('reads the ids of its data collection and evaluation criteria (what the classifier needs)', async () => {
    api()
      .get('/v1/convai/agents/agent_3')
      .reply(200, {
        agent_id: 'agent_3',
        name: 'Analysed',
        platform_settings: {
          data_collection: {
            pledge_amount: { type: 'number', description: 'Pledged amount' },
            do_not_call: { type: 'boolean', description: 'Asked not to be called' },
          },
          evaluation: {
            criteria: [{ id: 'declined', name: 'Declined', type: 'prompt', conversation_goal_prompt: 'x' }],
          },
        },
      });
    expect(await client().getAgent('agent_3')).toMatchObject({
      dataCollectionIds: ['pledge_amount', 'do_not_call'],
      evaluationCriteriaIds: ['declined'],
    });
  });
});
