import { afterEach, beforeEach } from 'vitest';
import { createLogger } from '../../src/logger.js';
import {
  type FakeElevenLabs,
  type FakeElevenLabsOptions,
  startFakeElevenLabs,
} from '../../src/sandbox/elevenlabs/fake-elevenlabs.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/**
 * The fake ElevenLabs' fault tests share this: a webhook receiver and the fakes a test starts, both fresh for each
 * test and stopped after it, and a dial as the service sends one (the attempt id is the number's).
 */
export function fakeElevenLabsPerTest() {
  const logger = createLogger('silent');
  let current: WebhookReceiver | undefined;
  const fakes: FakeElevenLabs[] = [];
  beforeEach(async () => {
    current = await startWebhookReceiver();
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
    await current?.close();
  });
  const receiver = (): WebhookReceiver => {
    if (current === undefined) throw new Error('the webhook receiver starts before each test');
    return current;
  };
  const start = async (options: Partial<FakeElevenLabsOptions> = {}): Promise<FakeElevenLabs> => {
    const fake = await startFakeElevenLabs({
      webhookUrl: receiver().url,
      webhookSecret: 's',
      timeScale: 0.0005,
      seed: 3,
      logger,
      ...options,
    });
    fakes.push(fake);
    return fake;
  };
  const dial = (fake: FakeElevenLabs, toNumber: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${fake.url}/v1/convai/twilio/outbound-call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'xi-api-key': 'k' },
      body: JSON.stringify({
        agent_id: fake.agentId,
        agent_phone_number_id: fake.twilioPhoneNumberId,
        to_number: toNumber,
        conversation_initiation_client_data: { user_id: `attempt-${toNumber}` },
      }),
      ...init,
    });
  return { receiver, start, dial };
}
