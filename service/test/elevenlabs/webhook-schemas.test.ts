import { describe, expect, it } from 'vitest';
import { conversationAttemptId, conversationSchema } from '../../src/elevenlabs/conversation-schema.js';
import { parseElevenLabsWebhook } from '../../src/elevenlabs/webhook-schemas.js';
import { FIXTURES, fixtureJson } from './fixtures/index.js';

function parsedEvent(json: unknown) {
  const result = parseElevenLabsWebhook(json);
  if (!result.ok) throw new Error(`expected a parsed webhook, got: ${result.error}`);
  return result.event;
}

describe('post_call_transcription', () => {
  it('parses the documented example into the conversation model', () => {
    const event = parsedEvent(fixtureJson(FIXTURES.postCallTranscription));
    expect(event.type).toBe('post_call_transcription');
    if (event.type !== 'post_call_transcription') return;
    expect(event.event_timestamp).toBe(1767000110);
    expect(event.data).toMatchObject({
      conversation_id: 'conv_01jz8k2m3n4p5q6r7s8t9v0w1x',
      agent_id: 'agent_5501k9czkv3qepy815bm59nt04qk',
      status: 'done',
      user_id: 'donor_8842',
      branch_id: null,
      metadata: {
        call_duration_secs: 94,
        cost: 412,
        termination_reason: '',
        phone_call: { type: 'twilio', direction: 'outbound', call_sid: 'CA5f1c2e3d4b5a69788796a5b4c3d2e1f0' },
      },
      analysis: {
        call_successful: 'success',
        transcript_summary: 'The donor agreed to a $75 pledge.',
        evaluation_criteria_results: {},
        data_collection_results: { pledge_amount: { data_collection_id: 'pledge_amount', value: 75 } },
      },
      conversation_initiation_client_data: { dynamic_variables: { donor_first_name: 'Maria' } },
    });
    expect(event.data.transcript).toHaveLength(2);
    expect(event.data.transcript[0]).toMatchObject({ role: 'agent', time_in_call_secs: 0, tool_calls: null });
  });

  it('parses GET conversation and the webhook data with the same schema', () => {
    const fromApi = conversationSchema.parse(fixtureJson(FIXTURES.conversation));
    expect(fromApi.analysis?.evaluation_criteria_results?.asked_for_gift?.result).toBe('success');
    expect(fromApi.metadata.phone_call?.external_number).toBe('+15557654321');
  });

  it('keeps fields it does not know, at every level', () => {
    const json = fixtureJson(FIXTURES.postCallTranscription);
    const data = json.data as Record<string, unknown>;
    const metadata = data.metadata as Record<string, unknown>;
    const event = parsedEvent({
      ...json,
      delivery_attempt: 2,
      data: {
        ...data,
        has_auxiliary_audio: false,
        metadata: {
          ...metadata,
          rag_usage: { usage_count: 0 },
          phone_call: { ...(metadata.phone_call as object), call_result: 'answered', new_field: 1 },
        },
      },
    });
    if (event.type !== 'post_call_transcription') throw new Error(event.type);
    expect(event.data).toMatchObject({
      has_auxiliary_audio: false,
      metadata: { rag_usage: { usage_count: 0 }, phone_call: { call_result: 'answered', new_field: 1 } },
    });
  });

  it('accepts a phone_call variant it does not know, and a SIP one', () => {
    const base = fixtureJson(FIXTURES.conversation);
    const metadata = base.metadata as Record<string, unknown>;
    const withCall = (phone_call: unknown) =>
      conversationSchema.parse({ ...base, metadata: { ...metadata, phone_call } });
    expect(withCall({ type: 'genesys', direction: 'outbound' }).metadata.phone_call?.type).toBe('genesys');
    const sip = withCall({
      type: 'sip_trunking',
      direction: 'outbound',
      phone_number_id: 'phnum_sip',
      agent_number: '+15551230001',
      external_number: '+15557654321',
      call_sid: 'sip-call-1',
      call_id: 'SCL_1',
    }).metadata.phone_call;
    expect(sip).toMatchObject({ type: 'sip_trunking', call_id: 'SCL_1' });
  });

  it('fills an absent transcript and metadata instead of failing (a conversation still processing)', () => {
    const parsed = conversationSchema.parse({
      conversation_id: 'conv_1',
      agent_id: 'agent_1',
      status: 'processing',
    });
    expect(parsed.transcript).toEqual([]);
    expect(parsed.metadata.call_duration_secs).toBeUndefined();
    expect(parsed.analysis).toBeUndefined();
  });

  it('reports a payload without a conversation id as an error naming the field', () => {
    const json = fixtureJson(FIXTURES.postCallTranscription);
    const { conversation_id: _dropped, ...data } = json.data as Record<string, unknown>;
    const result = parseElevenLabsWebhook({ ...json, data });
    expect(result).toMatchObject({ ok: false, rawType: 'post_call_transcription' });
    if (!result.ok) expect(result.error).toMatch(/^data\.conversation_id: /);
  });

  it('finds our attempt id in user_id or, failing that, the attempt_id dynamic variable', () => {
    const viaVariable = conversationSchema.parse({
      conversation_id: 'c',
      agent_id: 'a',
      status: 'done',
      conversation_initiation_client_data: { dynamic_variables: { attempt_id: 'att_7' } },
    });
    expect(conversationAttemptId(viaVariable)).toBe('att_7');
    expect(
      conversationAttemptId(
        conversationSchema.parse({ conversation_id: 'c', agent_id: 'a', status: 'done' }),
      ),
    ).toBe(null);
  });
});

describe('call_initiation_failure', () => {
  it('parses the Twilio no-answer example', () => {
    const event = parsedEvent(fixtureJson(FIXTURES.callInitiationFailureTwilio));
    expect(event).toMatchObject({
      type: 'call_initiation_failure',
      event_timestamp: 1767003600,
      data: {
        conversation_id: 'conv_01jz8m0a1b2c3d4e5f6g7h8j9k',
        failure_reason: 'no-answer',
        metadata: { type: 'twilio', body: { CallStatus: 'no-answer', SipResponseCode: '487' } },
      },
    });
  });

  it('parses the SIP busy variant', () => {
    const event = parsedEvent(fixtureJson(FIXTURES.callInitiationFailureSip));
    expect(event).toMatchObject({
      type: 'call_initiation_failure',
      data: { failure_reason: 'busy', metadata: { type: 'sip', body: { sip_status_code: 486 } } },
    });
  });

  it('maps a failure reason it does not know to unknown', () => {
    const json = fixtureJson(FIXTURES.callInitiationFailureTwilio);
    const event = parsedEvent({
      ...json,
      data: { ...(json.data as object), failure_reason: 'carrier-blocked' },
    });
    expect(event).toMatchObject({ data: { failure_reason: 'unknown' } });
  });
});

describe('post_call_audio', () => {
  it('parses the audio event', () => {
    const event = parsedEvent({
      type: 'post_call_audio',
      event_timestamp: 1767000120,
      data: { agent_id: 'agent_1', conversation_id: 'conv_1', full_audio: 'SUQzBAAAAAAA' },
    });
    expect(event).toEqual({
      type: 'post_call_audio',
      event_timestamp: 1767000120,
      data: { agent_id: 'agent_1', conversation_id: 'conv_1', full_audio: 'SUQzBAAAAAAA' },
    });
  });
});

describe('envelopes', () => {
  it('parses an event type it does not know as unknown, keeping the raw type and data', () => {
    const data = { conversation_id: 'conv_1', verdict: 'machine' };
    expect(parsedEvent({ type: 'answering_machine_detection', event_timestamp: 5, data })).toEqual({
      type: 'unknown',
      rawType: 'answering_machine_detection',
      event_timestamp: 5,
      data,
    });
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a string', 'post_call_transcription'],
    ['an object without type', { event_timestamp: 1, data: {} }],
    ['an empty type', { type: '', data: {} }],
  ])('returns an error for %s', (_label, json) => {
    expect(parseElevenLabsWebhook(json)).toMatchObject({ ok: false, rawType: null });
  });
});
