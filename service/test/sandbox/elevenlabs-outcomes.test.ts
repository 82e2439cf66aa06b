import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type FakeElevenLabs, startFakeElevenLabs } from '../../src/sandbox/elevenlabs/fake-elevenlabs.js';
import {
  chooseOutcome,
  OUTCOME_WEIGHTS,
  SANDBOX_OUTCOMES,
  type SandboxOutcome,
} from '../../src/sandbox/elevenlabs/outcomes.js';
import { at } from './json-path.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const logger = createLogger('silent');
const numbers = (count: number) =>
  Array.from({ length: count }, (_, i) => `+1213555${String(100 + i).padStart(4, '0')}`);

describe('sandbox outcome mix', () => {
  it('has weights for every outcome that add up to 1', () => {
    expect(Object.keys(OUTCOME_WEIGHTS).sort()).toEqual([...SANDBOX_OUTCOMES].sort());
    expect(Object.values(OUTCOME_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('is the same for the same seed, differs for another, and covers every outcome over 200 numbers', () => {
    const mix = (seed: number) => numbers(200).map((n) => chooseOutcome(seed, n, 0));
    expect(mix(42)).toEqual(mix(42));
    expect(mix(43)).not.toEqual(mix(42));
    expect(new Set(mix(42))).toEqual(new Set(SANDBOX_OUTCOMES));
  });

  it('gives a redial of the same number its own draw', () => {
    const redials = Array.from({ length: 30 }, (_, i) => chooseOutcome(42, '+12135550100', i));
    expect(new Set(redials).size).toBeGreaterThan(3);
  });
});

describe('fake ElevenLabs outcomes', () => {
  let receiver: WebhookReceiver;
  const fakes: FakeElevenLabs[] = [];
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
    await receiver.close();
  });

  const start = async (seed: number) => {
    const fake = await startFakeElevenLabs({
      webhookUrl: receiver.url,
      webhookSecret: 's',
      seed,
      timeScale: 0.0002,
      concurrencyLimit: 500,
      logger,
    });
    fakes.push(fake);
    return fake;
  };
  const dial = (fake: FakeElevenLabs, toNumber: string, sip = false) =>
    fetch(`${fake.url}/v1/convai/${sip ? 'sip-trunk' : 'twilio'}/outbound-call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'xi-api-key': 'k' },
      body: JSON.stringify({
        agent_id: fake.agentId,
        agent_phone_number_id: sip ? fake.sipPhoneNumberId : fake.twilioPhoneNumberId,
        to_number: toNumber,
        conversation_initiation_client_data: {
          user_id: `a-${toNumber}`,
          dynamic_variables: { donor_first_name: 'Grace' },
        },
      }),
    });

  it('replays the same outcomes for the same numbers in two runs with the same seed', async () => {
    const outcomes = async () => {
      const fake = await start(42);
      await Promise.all(numbers(200).map((n) => dial(fake, n)));
      await fake.idle();
      return new Map(fake.record.dials.map((d) => [d.toNumber, d.outcome]));
    };
    const first = await outcomes();
    const second = await outcomes();
    expect(second).toEqual(first);
    expect(new Set(first.values())).toEqual(new Set(SANDBOX_OUTCOMES));
  });

  it('reports each outcome the way ElevenLabs would', async () => {
    const fake = await start(1);
    const scripted = new Map<string, SandboxOutcome>(
      SANDBOX_OUTCOMES.map((o, i) => [numbers(20)[i] as string, o]),
    );
    for (const [n, outcome] of scripted) fake.script(n, outcome);
    await Promise.all([...scripted.keys()].map((n) => dial(fake, n)));
    const hooks = await receiver.waitFor(scripted.size);
    const byOutcome = new Map<SandboxOutcome, unknown>();
    for (const hook of hooks) {
      const id = at(hook.json, 'data', 'conversation_id');
      const dialled = fake.record.dials.find((d) => d.conversationId === id);
      if (dialled) byOutcome.set(dialled.outcome, hook.json);
    }
    const dc = (o: SandboxOutcome, key: string) =>
      at(byOutcome.get(o), 'data', 'analysis', 'data_collection_results', key, 'value');

    expect(dc('pledged', 'pledge_amount')).toBeGreaterThan(0);
    expect(dc('declined', 'pledge_amount')).toBeNull();
    expect(at(byOutcome.get('declined'), 'data', 'analysis', 'call_successful')).toBe('failure');
    expect(Date.parse(String(dc('callback_requested', 'callback_time')))).toBeGreaterThan(Date.now());
    expect(dc('opted_out', 'do_not_call')).toBe(true);
    expect(dc('wrong_number', 'wrong_number')).toBe(true);
    expect(byOutcome.get('voicemail')).toMatchObject({
      type: 'post_call_transcription',
      data: {
        metadata: {
          termination_reason: expect.stringContaining('voicemail'),
          phone_call: { call_result: 'voicemail' },
        },
      },
    });
    for (const [outcome, reason] of [
      ['no_answer', 'no-answer'],
      ['busy', 'busy'],
      ['failed', 'unknown'],
    ] as const) {
      expect(byOutcome.get(outcome)).toMatchObject({
        type: 'call_initiation_failure',
        data: {
          failure_reason: reason,
          metadata: { type: 'twilio', body: { CallStatus: reason === 'unknown' ? 'failed' : reason } },
        },
      });
      const id = String(at(byOutcome.get(outcome), 'data', 'conversation_id'));
      expect(fake.conversation(id)?.status).toBe('failed');
    }
  });

  it('reports a busy SIP call with the SIP failure body', async () => {
    const fake = await start(1);
    fake.script('+12135550100', 'busy');
    await dial(fake, '+12135550100', true);
    const [hook] = await receiver.waitFor(1);
    expect(hook?.json).toMatchObject({
      type: 'call_initiation_failure',
      data: {
        failure_reason: 'busy',
        metadata: { type: 'sip', body: { sip_status_code: 486, to_number: '+12135550100' } },
      },
    });
  });

  it('follows a script over HTTP: outcomes in order, the last one repeating', async () => {
    const fake = await start(1);
    const res = await fetch(`${fake.url}/__sandbox/elevenlabs/script`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ toNumber: '+12135550100', outcomes: ['no_answer', 'pledged'] }),
    });
    expect(res.status).toBe(204);
    for (let i = 0; i < 3; i++) {
      await dial(fake, '+12135550100');
      await fake.idle();
    }
    expect(fake.record.dials.map((d) => d.outcome)).toEqual(['no_answer', 'pledged', 'pledged']);
  });
});
