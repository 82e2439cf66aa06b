import {
  type ClassificationConfig,
  classificationConfigSchema,
  DEFAULT_CLASSIFICATION,
} from '@fundraising/shared';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src/elevenlabs/conversation-schema.js';
import { classifyTranscription } from '../../../src/outcomes/classify.js';
import { fixtureJson, webhookEvent } from './fixtures/index.js';

/**
 * The decision order and ambiguity rules, one change at a time on top of a realistic payload: a long two-sided
 * conversation with nothing collected and call_successful unknown (which on its own is `completed`).
 */

type Wire = Record<string, unknown>;

function baseData(): Wire {
  const envelope = fixtureJson('completed-unknown-long-conversation.json');
  return structuredClone(envelope.data as Wire);
}

function sub(obj: Wire, key: string): Wire {
  return obj[key] as Wire;
}

/** Sets data-collection values by id (creating the item when the agent did not have it). */
function collect(data: Wire, values: Record<string, unknown>): Wire {
  const results = sub(sub(data, 'analysis'), 'data_collection_results');
  for (const [id, value] of Object.entries(values)) {
    results[id] = { ...(results[id] as Wire | undefined), data_collection_id: id, value, rationale: 'test' };
  }
  return data;
}

function evaluate(data: Wire, results: Record<string, string>): Wire {
  const criteria = sub(sub(data, 'analysis'), 'evaluation_criteria_results');
  for (const [id, result] of Object.entries(results))
    criteria[id] = { criteria_id: id, result, rationale: 'test' };
  return data;
}

function conversation(data: Wire): Conversation {
  const event = webhookEvent({ type: 'post_call_transcription', event_timestamp: 1_767_200_000, data });
  if (event.type !== 'post_call_transcription') throw new Error('expected a transcription');
  return event.data;
}

function classify(data: Wire, config: ClassificationConfig = DEFAULT_CLASSIFICATION, timeZone?: string) {
  return classifyTranscription(conversation(data), config, { timeZone });
}

function withCallResult(data: Wire, callResult: string | null): Wire {
  sub(sub(data, 'metadata'), 'phone_call').call_result = callResult;
  return data;
}

describe('decision order', () => {
  it('is completed when nothing decides', () => {
    expect(classify(baseData()).outcome).toBe('completed');
  });

  it('honours a do-not-call request even on a conversation that failed (failed would be redialled)', () => {
    const data = collect(baseData(), { do_not_call: true });
    data.status = 'failed';
    expect(classify(data)).toMatchObject({
      outcome: 'opted_out',
      reason: 'data collection do_not_call = true',
    });
  });

  it('lets a failed conversation outrank a pledge, and reports no pledge with it', () => {
    const data = collect(baseData(), { pledge_amount: 75, pledge_frequency: 'one_time' });
    data.status = 'failed';
    expect(classify(data)).toMatchObject({ outcome: 'failed', pledgeAmount: null, pledgeFrequency: null });
  });

  it.each([
    ['no_answer', 'no_answer'],
    ['busy', 'busy'],
    ['failed', 'failed'],
    [null, 'failed'],
  ])(
    'reads a failed conversation whose call_result is %s (never connected, as reconciliation finds it) as %s',
    (callResult, outcome) => {
      const data = withCallResult(baseData(), callResult);
      data.status = 'failed';
      expect(classify(data).outcome).toBe(outcome);
    },
  );

  it('drops a pledge made by the wrong person', () => {
    const result = classify(collect(baseData(), { wrong_number: 'true', pledge_amount: 40 }));
    expect(result).toMatchObject({ outcome: 'wrong_number', pledgeAmount: null, pledgeFrequency: null });
    expect(result.reason).toBe('data collection wrong_number = "true"');
  });

  it('puts a pledge before a callback request and before what the line reported', () => {
    const data = withCallResult(
      collect(baseData(), { pledge_amount: 25, callback_time: '2026-02-01T15:00Z' }),
      'busy',
    );
    expect(classify(data)).toMatchObject({ outcome: 'pledged', pledgeAmount: 25, callbackAt: null });
  });

  it('puts a callback request before voicemail signals', () => {
    const data = withCallResult(collect(baseData(), { callback_time: '2026-02-01T15:00:00Z' }), 'voicemail');
    expect(classify(data)).toMatchObject({
      outcome: 'callback_requested',
      callbackAt: '2026-02-01T15:00:00.000Z',
    });
  });

  it('does not count "none" as a callback request', () => {
    expect(classify(collect(baseData(), { callback_time: 'none' })).outcome).toBe('completed');
  });

  it.each([
    ['no_answer', 'no_answer'],
    ['busy', 'busy'],
    ['voicemail', 'voicemail'],
    ['failed', 'failed'],
    ['answered', 'completed'],
  ])('reads phone_call.call_result %s as %s', (callResult, outcome) => {
    expect(classify(withCallResult(baseData(), callResult)).outcome).toBe(outcome);
  });

  it('puts voicemail and the line before a declined verdict', () => {
    const data = withCallResult(baseData(), 'busy');
    sub(data, 'analysis').call_successful = 'failure';
    expect(classify(data).outcome).toBe('busy');
  });

  it('reads declined from an evaluation criterion with the configured id', () => {
    const result = classify(evaluate(baseData(), { declined: 'success' }));
    expect(result).toMatchObject({ outcome: 'declined', reason: 'evaluation declined = success' });
  });

  it('does not call a failure verdict declined when the donor never spoke', () => {
    const data = baseData();
    data.transcript = [{ role: 'agent', message: 'Hello? Is anyone there?', time_in_call_secs: 0 }];
    sub(data, 'analysis').call_successful = 'failure';
    sub(data, 'metadata').call_duration_secs = 45;
    expect(classify(data).outcome).toBe('completed');
  });

  it('treats a call with no user turn and no duration at all as not answered', () => {
    const data = baseData();
    data.transcript = [];
    sub(data, 'metadata').call_duration_secs = null;
    expect(classify(data)).toMatchObject({ outcome: 'no_answer', reason: 'no one answered in a 0 s call' });
  });

  it('counts a user turn with an empty message as silence', () => {
    const data = baseData();
    data.transcript = [
      { role: 'agent', message: 'Hi, this is Ava.', time_in_call_secs: 0 },
      { role: 'user', message: '  ', time_in_call_secs: 3 },
    ];
    sub(data, 'metadata').call_duration_secs = 9;
    expect(classify(data).outcome).toBe('no_answer');
  });
});

describe('campaign configuration', () => {
  it('reads the ids a campaign configured instead of the defaults', () => {
    const config = classificationConfigSchema.parse({
      pledgeAmount: 'gift_amount',
      pledgeFrequency: 'gift_cadence',
    });
    const data = collect(baseData(), { gift_amount: '$30', gift_cadence: 'monthly', pledge_amount: 999 });
    expect(classify(data, config)).toMatchObject({
      outcome: 'pledged',
      pledgeAmount: 30,
      pledgeFrequency: 'monthly',
      reason: 'data collection gift_amount = "$30"',
    });
  });

  it('ignores the default ids once a campaign renamed them', () => {
    const config = classificationConfigSchema.parse({ doNotCall: 'remove_from_list' });
    expect(classify(collect(baseData(), { do_not_call: true }), config).outcome).toBe('completed');
    expect(classify(collect(baseData(), { remove_from_list: 'yes' }), config).outcome).toBe('opted_out');
  });

  it('finds a result by its data_collection_id when the record key differs', () => {
    const data = baseData();
    const results = sub(sub(data, 'analysis'), 'data_collection_results');
    delete results.do_not_call;
    results.optout_flag = { data_collection_id: 'do_not_call', value: true, rationale: 'test' };
    expect(classify(data).outcome).toBe('opted_out');
  });

  it('does not read the voicemail and declined ids when they are switched off', () => {
    const config = classificationConfigSchema.parse({ voicemail: null, declined: null });
    const data = evaluate(collect(baseData(), { voicemail: true, declined: true }), { voicemail: 'success' });
    expect(classify(data, config).outcome).toBe('completed');
    expect(classify(withCallResult(data, 'voicemail'), config).outcome).toBe('voicemail');
  });

  it('places a callback time without an offset in the contact zone before the conversation zone', () => {
    const data = collect(baseData(), { callback_time: '2026-01-10T09:30:00' });
    sub(data, 'metadata').timezone = 'America/Los_Angeles';
    expect(classify(data).callbackAt).toBe('2026-01-10T17:30:00.000Z');
    expect(classify(data, DEFAULT_CLASSIFICATION, 'America/New_York').callbackAt).toBe(
      '2026-01-10T14:30:00.000Z',
    );
  });
});

describe('reported fields', () => {
  it('reports the frequency only with an amount, and a blank frequency as none', () => {
    expect(classify(collect(baseData(), { pledge_amount: 60, pledge_frequency: '  ' }))).toMatchObject({
      outcome: 'pledged',
      pledgeAmount: 60,
      pledgeFrequency: null,
    });
    expect(classify(collect(baseData(), { pledge_frequency: 'monthly' })).pledgeFrequency).toBeNull();
  });

  it('skips turns without a message and gives a turn without a time the time before it', () => {
    const data = baseData();
    data.transcript = [
      { role: 'agent', message: 'Hi Dana.', time_in_call_secs: 0 },
      { role: 'agent', message: null, time_in_call_secs: 2, tool_calls: [{ tool_name: 'end_call' }] },
      { role: 'user', message: 'Hello!', time_in_call_secs: 4 },
      { role: 'agent', message: 'Thanks for picking up.', time_in_call_secs: null },
    ];
    expect(classify(data).transcript).toEqual([
      { role: 'agent', message: 'Hi Dana.', timeInCallSecs: 0 },
      { role: 'user', message: 'Hello!', timeInCallSecs: 4 },
      { role: 'agent', message: 'Thanks for picking up.', timeInCallSecs: 4 },
    ]);
  });

  it('gives nulls, not zeros, for facts a minimal conversation does not carry', () => {
    const result = classifyTranscription(
      conversation({ conversation_id: 'conv_min', agent_id: 'agent_x', status: 'done' }),
      DEFAULT_CLASSIFICATION,
    );
    expect(result).toEqual({
      outcome: 'no_answer',
      reason: 'no one answered in a 0 s call',
      pledgeAmount: null,
      pledgeFrequency: null,
      callbackAt: null,
      conversationId: 'conv_min',
      startedAtMs: null,
      durationSecs: null,
      summary: null,
      transcript: [],
      terminationReason: null,
      cost: null,
      fromNumber: null,
      toNumber: null,
    });
  });
});
