import { DEFAULT_CLASSIFICATION } from '@fundraising/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import type { ClassifiedOutcome } from '../../../src/outcomes/classified-outcome.js';
import { classifyInitiationFailure, classifyTranscription } from '../../../src/outcomes/classify.js';
import { SANDBOX_AGENTS, SANDBOX_PHONE_NUMBERS } from '../../../src/sandbox/elevenlabs/catalog.js';
import { type FakeElevenLabs, startFakeElevenLabs } from '../../../src/sandbox/elevenlabs/fake-elevenlabs.js';
import {
  initiationFailureOf,
  SANDBOX_OUTCOMES,
  type SandboxOutcome,
} from '../../../src/sandbox/elevenlabs/outcomes.js';
import { type SandboxCall, storyOf, webhookFor } from '../../../src/sandbox/elevenlabs/wire.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../sandbox/webhook-receiver.js';
import { webhookEvent } from './fixtures/index.js';

/**
 * The demo and the end-to-end runs count on this: every story the sandbox tells classifies as the outcome the
 * sandbox meant. If the sandbox's payloads and the classifier drift apart, this fails before the demo does.
 */

function classifyWebhook(json: unknown): ClassifiedOutcome {
  const event = webhookEvent(json);
  if (event.type === 'post_call_transcription')
    return classifyTranscription(event.data, DEFAULT_CLASSIFICATION);
  if (event.type === 'call_initiation_failure') return classifyInitiationFailure(event.data);
  throw new Error(`unexpected webhook type ${event.type}`);
}

const [agent] = SANDBOX_AGENTS;
const NOW_MS = Date.UTC(2026, 0, 5, 15, 0, 0);

/** A finished call as the sandbox's simulator leaves it (see CallSimulator.place and finish). */
function finishedCall(
  outcome: SandboxOutcome,
  phoneIndex: number,
  seed: number,
  dialIndex: number,
): SandboxCall {
  const phone = SANDBOX_PHONE_NUMBERS[phoneIndex];
  if (!agent || !phone) throw new Error('sandbox catalog is empty');
  const toNumber = `+1503555${1000 + seed}`;
  const dynamicVariables = {
    donor_first_name: 'Maria',
    last_gift_amount: 40 + seed,
    attempt_id: `att_${seed}`,
  };
  return {
    conversationId: `conv_sbx_${outcome}_${phone.provider}_${seed}_${dialIndex}`,
    callSid: phone.provider === 'twilio' ? `CA${String(seed).padStart(32, '0')}` : `sip-${seed}-${dialIndex}`,
    streamSid: `MZ${'0'.repeat(32)}`,
    provider: phone.provider,
    agent,
    phone,
    toNumber,
    userId: `att_${seed}`,
    clientData: { user_id: `att_${seed}`, dynamic_variables: dynamicVariables },
    dynamicVariables,
    dialIndex,
    placedAtMs: NOW_MS,
    outcome,
    storyContext: { seed, toNumber, dialIndex, dynamicVariables, ringingTimeoutSecs: 30, nowMs: NOW_MS },
    status: initiationFailureOf(outcome) === null ? 'done' : 'failed',
  };
}

const CASES = SANDBOX_OUTCOMES.flatMap((outcome) =>
  SANDBOX_PHONE_NUMBERS.flatMap((phone, phoneIndex) =>
    [1, 2, 3, 4, 5].map((seed) => ({
      outcome,
      provider: phone.provider,
      phoneIndex,
      seed,
      dialIndex: seed % 3,
    })),
  ),
);

describe('the sandbox stories, classified', () => {
  it.each(CASES)('$outcome over $provider (seed $seed) classifies as $outcome', (c) => {
    const call = finishedCall(c.outcome, c.phoneIndex, c.seed, c.dialIndex);
    const { body } = webhookFor(call, NOW_MS + 120_000);
    const result = classifyWebhook(JSON.parse(JSON.stringify(body)));
    const story = storyOf(call);

    expect(result.outcome).toBe(c.outcome);
    expect(result.conversationId).toBe(call.conversationId);
    expect(result.toNumber).toBe(call.toNumber);
    expect(result.fromNumber).toBe(call.phone.phoneNumber);
    expect(result.pledgeAmount).toBe(c.outcome === 'pledged' ? story.data.pledgeAmount : null);
    expect(result.pledgeFrequency).toBe(c.outcome === 'pledged' ? story.data.pledgeFrequency : null);
    expect(result.callbackAt).toBe(c.outcome === 'callback_requested' ? story.data.callbackTime : null);
  });
});

describe('the fake ElevenLabs over loopback', () => {
  let receiver: WebhookReceiver | undefined;
  let fake: FakeElevenLabs | undefined;
  afterEach(async () => {
    await fake?.stop();
    await receiver?.close();
  });

  it('sends, for every scripted outcome, a webhook that classifies as that outcome', async () => {
    receiver = await startWebhookReceiver();
    const started = await startFakeElevenLabs({
      webhookUrl: receiver.url,
      webhookSecret: 'wsec_classification_test',
      timeScale: 0.0005,
      seed: 11,
      concurrencyLimit: 50,
      logger: createLogger('silent'),
    });
    fake = started;
    const dials = SANDBOX_OUTCOMES.flatMap((outcome, i) =>
      (['twilio', 'sip-trunk'] as const).map((path, j) => ({
        outcome,
        path,
        toNumber: `+1503555${2000 + i * 2 + j}`,
      })),
    );
    for (const d of dials) {
      started.script(d.toNumber, d.outcome);
      const response = await fetch(`${started.url}/v1/convai/${d.path}/outbound-call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'xi-api-key': 'sandbox-key' },
        body: JSON.stringify({
          agent_id: started.agentId,
          agent_phone_number_id: d.path === 'twilio' ? started.twilioPhoneNumberId : started.sipPhoneNumberId,
          to_number: d.toNumber,
          conversation_initiation_client_data: {
            user_id: `att-${d.toNumber}`,
            dynamic_variables: { donor_first_name: 'Maria', last_gift_amount: 50 },
          },
        }),
      });
      expect(response.status).toBe(200);
    }
    await started.settleAll();
    const received = await receiver.waitFor(dials.length);

    const outcomeByNumber = new Map(
      received.map((w) => {
        const result = classifyWebhook(w.json);
        return [result.toNumber, result.outcome] as const;
      }),
    );
    expect(dials.map((d) => [d.toNumber, outcomeByNumber.get(d.toNumber)])).toEqual(
      dials.map((d) => [d.toNumber, d.outcome]),
    );
  });
});
