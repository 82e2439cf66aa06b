import { afterEach, describe, expect, it } from 'vitest';
import { demoPortal, type HubSpotHarness, startHubSpotHarness } from './hubspot-harness.js';
import { at } from './json-path.js';

/**
 * The fake HubSpot's fault switches: 429 storms with HubSpot's rate-limit body and a Retry-After, 5xx on writes
 * before or after the write lands, slow answers; set over HTTP at run time, each logged with the caller's
 * User-Agent so a checker can tell which process was told to wait.
 */

let hs: HubSpotHarness | undefined;
afterEach(async () => {
  await hs?.fake.stop();
  hs = undefined;
});

const contactId = () => demoPortal.lists[0]?.memberAt(0).recordId ?? '';
const update = (h: HubSpotHarness, value: string) =>
  h.api('/crm/v3/objects/contacts/batch/update', {
    body: { inputs: [{ id: contactId(), properties: { firstname: value } }] },
  });
const switchFaults = async (h: HubSpotHarness, body: unknown, method = 'POST') => {
  const res = await fetch(`${h.fake.url}/__sandbox/hubspot/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('fake HubSpot: fault switches', () => {
  it('a 429 storm: the TEN_SECONDLY_ROLLING body with Retry-After on every request, then off again', async () => {
    hs = await startHubSpotHarness();
    const h = hs;
    expect((await switchFaults(h, { rateLimit: { fraction: 1 }, retryAfterSeconds: 4 })).status).toBe(200);
    const read = await h.api(`/crm/v3/lists/${demoPortal.lists[0]?.listId}`);
    const write = await update(h, 'Storm');
    for (const answer of [read, write]) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('4');
      expect(answer.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    }
    expect(h.fake.contact(demoPortal.portalId, contactId())?.firstname).not.toBe('Storm');
    await switchFaults(h, { rateLimit: { fraction: 0 } });
    expect((await update(h, 'Calm')).status).toBe(200);
    expect(h.fake.faultLog.map((e) => [e.fault, e.method, e.status, e.retryAfterMs, e.portalId])).toEqual([
      ['rateLimit', 'GET', 429, 4000, demoPortal.portalId],
      ['rateLimit', 'POST', 429, 4000, demoPortal.portalId],
    ]);
  });

  it('retryAfterSeconds 0 sends the plain 429 (no Retry-After), as HubSpot usually does', async () => {
    hs = await startHubSpotHarness();
    hs.fake.setFaults({ rateLimit: { next: 1 }, retryAfterSeconds: 0 });
    const answer = await hs.api(`/crm/v3/lists/${demoPortal.lists[0]?.listId}`);
    expect([answer.status, answer.headers.get('retry-after')]).toEqual([429, null]);
    expect(hs.fake.faultLog[0]?.retryAfterMs).toBeNull();
  });

  it('a 5xx before a write leaves HubSpot unchanged; reads are not touched', async () => {
    hs = await startHubSpotHarness();
    hs.fake.setFaults({ serverErrorBeforeWrite: { fraction: 1 }, serverErrorStatus: 503 });
    expect((await hs.api(`/crm/v3/lists/${demoPortal.lists[0]?.listId}`)).status).toBe(200);
    const answer = await update(hs, 'Lost');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
    expect(hs.fake.contact(demoPortal.portalId, contactId())?.firstname).not.toBe('Lost');
    expect(hs.fake.record.propertyWrites).toEqual([]);
  });

  it('a 5xx after a write: it landed, yet the caller is told it failed', async () => {
    hs = await startHubSpotHarness();
    hs.fake.setFaults({ serverErrorAfterWrite: { next: 1 } });
    const answer = await update(hs, 'Landed');
    expect(answer.status).toBe(502);
    expect(at(answer.body, 'category')).toBe('INTERNAL_ERROR');
    expect(hs.fake.contact(demoPortal.portalId, contactId())?.firstname).toBe('Landed');
    expect(hs.fake.record.requests.at(-1)?.status).toBe(502);
    // The rule fired once: the next write is answered truthfully.
    expect((await update(hs, 'Again')).status).toBe(200);
    expect(hs.fake.faultLog.map((e) => e.fault)).toEqual(['serverErrorAfterWrite']);
  });

  it('a 5xx after a write answered 204 (a workflow callback) still lands it', async () => {
    hs = await startHubSpotHarness();
    hs.fake.setFaults({ serverErrorAfterWrite: { next: 1 } });
    const answer = await hs.api('/automation/v4/actions/callbacks/cb-1/complete', {
      body: { outputFields: { hs_execution_state: 'SUCCESS' } },
    });
    expect(answer.status).toBe(502);
    expect(hs.fake.record.callbackCompletions.map((c) => c.callbackId)).toEqual(['cb-1']);
  });

  it('slow answers, and every request keeps its time and the caller it came from', async () => {
    hs = await startHubSpotHarness();
    await switchFaults(hs, { responseDelayMs: 250 });
    const started = Date.now();
    expect((await hs.api(`/crm/v3/lists/${demoPortal.lists[0]?.listId}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const [request] = hs.fake.record.requests;
    expect(request?.client).toEqual(expect.any(String));
    expect(request?.atMs).toEqual(expect.any(Number));
    const reset = await switchFaults(hs, {}, 'DELETE');
    expect(reset.body.responseDelayMs).toBe(0);
    expect((await switchFaults(hs, { rateLimit: { fraction: 2 } })).status).toBe(400);
  });
});
