import { describe, expect, it } from 'vitest';
import type { FakeElevenLabs } from '../../src/sandbox/elevenlabs/fake-elevenlabs.js';
import { fakeElevenLabsPerTest } from './fake-elevenlabs-harness.js';
import { at } from './json-path.js';

/**
 * The fake ElevenLabs' storm switches (5xx and 429 on dials and reads, slow reads) and its webhook tampering
 * (delayed, reordered, a late duplicate), each logged where a checker can read it; settable over HTTP at run time.
 */

const { receiver, start, dial } = fakeElevenLabsPerTest();

const read = (fake: FakeElevenLabs, conversationId: string) =>
  fetch(`${fake.url}/v1/convai/conversations/${conversationId}`, { headers: { 'xi-api-key': 'k' } });

const switchFaults = (fake: FakeElevenLabs, body: unknown, method = 'POST') =>
  fetch(`${fake.url}/__sandbox/elevenlabs/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const conversationOf = async (res: Response) =>
  ((await res.json()) as { conversation_id: string }).conversation_id;

describe('fake ElevenLabs: storms on dials and reads', () => {
  it('answers a 5xx before placing: nothing rings, the refusal and the fault are recorded', async () => {
    const fake = await start();
    expect(
      (await switchFaults(fake, { serverErrorBeforePlacing: { next: 1 }, serverErrorStatus: 503 })).ok,
    ).toBe(true);
    const res = await dial(fake, '+13035550100');
    expect(res.status).toBe(503);
    expect(at(await res.json(), 'detail', 'status')).toBe('internal_server_error');
    expect(fake.record.dials).toEqual([]);
    expect(fake.record.rejectedDials).toEqual([
      expect.objectContaining({ toNumber: '+13035550100', status: 503, retryAfterMs: null }),
    ]);
    expect(fake.record.faultLog).toEqual([
      expect.objectContaining({ fault: 'serverErrorBeforePlacing', subject: '+13035550100', status: 503 }),
    ]);
    expect((await dial(fake, '+13035550101')).status).toBe(200);
  });

  it('a 429 storm switched on and off over HTTP: Retry-After on every refusal, then dials go through again', async () => {
    const fake = await start();
    await switchFaults(fake, { rateLimitDial: { fraction: 1 }, retryAfterSeconds: 3 });
    for (const n of ['+13035550100', '+13035550101']) {
      const res = await dial(fake, n);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(at(await res.json(), 'detail', 'status')).toBe('rate_limit_exceeded');
    }
    const described = (await (await switchFaults(fake, { rateLimitDial: { fraction: 0 } })).json()) as Record<
      string,
      unknown
    >;
    expect(described.rateLimitDial).toEqual({ fraction: 0, next: 0 });
    expect((await dial(fake, '+13035550102')).status).toBe(200);
    expect(fake.record.rejectedDials.map((r) => [r.status, r.retryAfterMs])).toEqual([
      [429, 3000],
      [429, 3000],
    ]);
    const log = (await (await fetch(`${fake.url}/__sandbox/elevenlabs/fault-log`)).json()) as {
      items: { fault: string; retryAfterMs: number }[];
    };
    expect(log.items.map((e) => [e.fault, e.retryAfterMs])).toEqual([
      ['rateLimitDial', 3000],
      ['rateLimitDial', 3000],
    ]);
  });

  it('storms on conversation reads: 429 with Retry-After, 5xx, and slow answers; every read recorded', async () => {
    const fake = await start({ timeScale: 1_000 });
    const id = await conversationOf(await dial(fake, '+13035550100'));
    fake.setFaults({ rateLimitRead: { next: 1 }, serverErrorOnRead: { next: 1 }, retryAfterSeconds: 1 });
    const limited = await read(fake, id);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await read(fake, id)).status).toBe(500);
    expect((await read(fake, id)).status).toBe(200);
    fake.setFaults({ readResponseDelayMs: 300 });
    const started = Date.now();
    expect((await read(fake, id)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.record.reads.map((r) => [r.conversationId, r.status])).toEqual([
      [id, 429],
      [id, 500],
      [id, 200],
      [id, 200],
    ]);
    expect(fake.record.faultLog.map((e) => e.fault)).toEqual(['rateLimitRead', 'serverErrorOnRead']);
  });

  it('DELETE /faults switches everything off', async () => {
    const fake = await start();
    await switchFaults(fake, { rateLimitDial: { fraction: 1 }, dialResponseDelayMs: 5 });
    const reset = (await (await switchFaults(fake, {}, 'DELETE')).json()) as Record<string, unknown>;
    expect(reset.rateLimitDial).toEqual({ fraction: 0, next: 0 });
    expect(reset.dialResponseDelayMs).toBe(0);
    expect((await dial(fake, '+13035550100')).status).toBe(200);
  });
});

describe('fake ElevenLabs: webhooks late, out of order, duplicated late', () => {
  it('holds a webhook back past the call end by webhookDelayMs, while GET already shows the call ended', async () => {
    const fake = await start();
    fake.setFaults({ delayWebhook: { next: 1 }, webhookDelayMs: 400 });
    const id = await conversationOf(await dial(fake, '+13035550100'));
    const ended = () => fake.record.dials[0]?.endedAtMs ?? null;
    while (ended() === null) await new Promise((r) => setTimeout(r, 5));
    expect(['done', 'failed']).toContain(fake.conversation(id)?.status);
    const [hook] = await receiver().waitFor(1);
    expect((hook?.receivedAt ?? 0) - (ended() ?? 0)).toBeGreaterThanOrEqual(390);
    await fake.idle();
    expect(fake.record.webhooks).toEqual([
      expect.objectContaining({ conversationId: id, fault: 'delayWebhook' }),
    ]);
    expect(fake.record.faultLog).toEqual([expect.objectContaining({ fault: 'delayWebhook', subject: id })]);
  });

  it("reorders: an earlier call's webhook waits until a later call's has been delivered", async () => {
    const fake = await start({ timeScale: 1_000 });
    fake.setFaults({ reorderWebhook: { next: 1 } });
    const first = await conversationOf(await dial(fake, '+13035550100'));
    const second = await conversationOf(await dial(fake, '+13035550101'));
    const finishing = fake.settleAll();
    await receiver().waitFor(2);
    await finishing;
    const order = receiver().received.map((r) => at(r.json, 'data', 'conversation_id'));
    expect(order).toEqual([second, first]);
    expect(fake.record.webhooks.map((w) => [w.conversationId, w.fault])).toEqual([
      [second, null],
      [first, 'reorderWebhook'],
    ]);
  });

  it('a reordered webhook with nothing to wait for goes out after reorderMaxHoldMs', async () => {
    const fake = await start({ timeScale: 1_000 });
    fake.setFaults({ reorderWebhook: { next: 1 }, reorderMaxHoldMs: 100 });
    const id = await conversationOf(await dial(fake, '+13035550100'));
    await fake.settleAll();
    expect(receiver().received.map((r) => at(r.json, 'data', 'conversation_id'))).toEqual([id]);
  });

  it('sends a duplicate late, after another call has come and gone', async () => {
    const fake = await start({ timeScale: 1_000 });
    fake.setFaults({ duplicateWebhook: { next: 1 }, duplicateDelayMs: 300 });
    const first = await conversationOf(await dial(fake, '+13035550100'));
    const settling = fake.settleAll();
    await receiver().waitFor(1);
    const second = await conversationOf(await dial(fake, '+13035550101'));
    await fake.settleAll();
    await settling;
    await receiver().waitFor(3);
    const order = receiver().received.map((r) => at(r.json, 'data', 'conversation_id'));
    expect(order).toEqual([first, second, first]);
    expect(receiver().received[2]?.rawBody).toBe(receiver().received[0]?.rawBody);
    expect(fake.record.webhooks.map((w) => [w.attempt, w.fault])).toEqual([
      [1, null],
      [1, null],
      [2, 'duplicateWebhook'],
    ]);
  });
});
