import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../../test/helpers/wait.js';
import { fakeElevenLabsPerTest } from './fake-elevenlabs-harness.js';
import { at } from './json-path.js';

const { receiver, start, dial } = fakeElevenLabsPerTest();

const numbers = (count: number) =>
  Array.from({ length: count }, (_, i) => `+1303555${String(100 + i).padStart(4, '0')}`);

describe('fake ElevenLabs: fault switches', () => {
  it('drops a webhook but keeps the outcome readable with GET conversation', async () => {
    const fake = await start();
    fake.setFaults({ dropWebhook: { next: 1 } });
    const { conversation_id: id } = (await (await dial(fake, '+13035550100')).json()) as {
      conversation_id: string;
    };
    await fake.idle();
    expect(receiver().received).toHaveLength(0);
    expect(fake.record.webhooks).toEqual([
      expect.objectContaining({ conversationId: id, dropped: true, status: null }),
    ]);
    expect(['done', 'failed']).toContain(fake.conversation(id)?.status);
  });

  it('sends a webhook twice, byte for byte', async () => {
    const fake = await start();
    fake.setFaults({ duplicateWebhook: { next: 1 } });
    await dial(fake, '+13035550100');
    const [first, second] = await receiver().waitFor(2);
    expect(second?.rawBody).toBe(first?.rawBody);
    await fake.idle();
    expect(fake.record.webhooks.map((w) => w.attempt)).toEqual([1, 2]);
  });

  it('delivers the webhook before answering the dial', async () => {
    const fake = await start({ timeScale: 1_000 });
    fake.setFaults({ webhookBeforeDialResponse: { next: 1 } });
    const res = await dial(fake, '+13035550100');
    // Already there when the dial's answer arrives: the receiver must cope with an event for an unknown call.
    expect(receiver().received).toHaveLength(1);
    const { conversation_id: id } = (await res.json()) as { conversation_id: string };
    expect(at(receiver().received[0]?.json, 'data', 'conversation_id')).toBe(id);
    expect(fake.record.dials[0]?.faults).toEqual(['webhookBeforeDialResponse']);
  });

  it('answers a dial with 500 after placing the call: the call is recorded, rings, and can be found by user_id', async () => {
    const fake = await start();
    fake.setFaults({ serverErrorAfterPlacing: { next: 1 } });
    const res = await dial(fake, '+13035550100');
    expect(res.status).toBe(500);
    expect(at(await res.json(), 'detail', 'status')).toBe('internal_server_error');
    expect(fake.record.dials).toEqual([
      expect.objectContaining({
        toNumber: '+13035550100',
        userId: 'attempt-+13035550100',
        responseStatus: 500,
      }),
    ]);
    const [hook] = await receiver().waitFor(1);
    expect(at(hook?.json, 'data', 'conversation_id')).toBe(fake.record.dials[0]?.conversationId);
    const found = await fetch(`${fake.url}/v1/convai/conversations?user_id=attempt-%2B13035550100`, {
      headers: { 'xi-api-key': 'k' },
    });
    expect(at(await found.json(), 'conversations', 0, 'conversation_id')).toBe(
      fake.record.dials[0]?.conversationId,
    );
    expect((await dial(fake, '+13035550101')).status).toBe(200);
  });

  it('delays the dial response while the call is already placed', async () => {
    const fake = await start({ timeScale: 1_000 });
    fake.setFaults({ dialResponseDelayMs: 60_000 });
    // Given up once the fake has placed the call (a fixed client timeout could fire before the request even
    // reached the fake on a loaded machine): the call goes on although its dial was never answered.
    const client = new AbortController();
    const answered = dial(fake, '+13035550100', { signal: client.signal });
    await waitUntil(async () => fake.record.dials.length === 1, {
      timeoutMs: 30_000,
      intervalMs: 10,
      what: 'the fake to record the dial',
    });
    client.abort();
    await expect(answered).rejects.toThrow();
    expect(fake.record.dials).toHaveLength(1);
    expect(fake.inFlight).toBe(1);
  });

  it('refuses the dials a rejectDial fault picks with its status, placing none of them, the same each run', async () => {
    const refusedIn = async () => {
      const fake = await start({ seed: 11, timeScale: 1_000 });
      fake.setFaults({ rejectDial: { fraction: 0.6 }, rejectDialStatus: 401 });
      const statuses = [];
      for (const n of numbers(40)) {
        const res = await dial(fake, n);
        statuses.push(res.status);
        if (res.status === 401) {
          expect(await res.json()).toEqual({
            detail: { status: 'invalid_api_key', message: 'Invalid API key' },
          });
        }
      }
      const refused = statuses.filter((s) => s === 401).length;
      expect(fake.record.dials).toHaveLength(40 - refused);
      expect(fake.record.rejectedDials).toHaveLength(refused);
      return fake.record.rejectedDials.map((r) => r.toNumber);
    };
    const first = await refusedIn();
    expect(await refusedIn()).toEqual(first);
    expect(first.length).toBeGreaterThan(15);
    expect(first.length).toBeLessThan(35);
  });

  it('drops the same fraction of webhooks for the same seed, run after run', async () => {
    const droppedIn = async () => {
      const fake = await start({ seed: 11, timeScale: 1_000 });
      fake.setFaults({ dropWebhook: { fraction: 0.5 } });
      for (const n of numbers(40)) await dial(fake, n);
      await fake.settleAll();
      return fake.record.webhooks
        .filter((w) => w.dropped)
        .map((w) => fake.record.dials.find((d) => d.conversationId === w.conversationId)?.toNumber)
        .sort();
    };
    const first = await droppedIn();
    const second = await droppedIn();
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(35);
  });

  it('takes fault switches over HTTP and shows them back', async () => {
    const fake = await start();
    const res = await fetch(`${fake.url}/__sandbox/elevenlabs/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicateWebhook: { fraction: 0.25 }, dialResponseDelayMs: 5 }),
    });
    expect(res.status).toBe(200);
    const shown = await (await fetch(`${fake.url}/__sandbox/elevenlabs/faults`)).json();
    expect(shown).toMatchObject({
      duplicateWebhook: { fraction: 0.25, next: 0 },
      dialResponseDelayMs: 5,
      dropWebhook: { fraction: 0 },
    });
    const bad = await fetch(`${fake.url}/__sandbox/elevenlabs/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dropWebhook: { fraction: 2 } }),
    });
    expect(bad.status).toBe(400);
  });

  it('records the receiver’s answer to each webhook, without retrying a failure', async () => {
    const fake = await start();
    receiver().respondWith(503);
    await dial(fake, '+13035550100');
    await receiver().waitFor(1);
    await fake.idle();
    expect(fake.record.webhooks).toEqual([expect.objectContaining({ status: 503, attempt: 1 })]);
    expect(receiver().received).toHaveLength(1);
  });
});
