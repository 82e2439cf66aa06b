import { afterEach, describe, expect, it } from 'vitest';
import { createDemoPortal, DEMO_PORTAL_ID } from '../../src/sandbox/demo-portal.js';
import { demoPortal, type HubSpotHarness, startHubSpotHarness } from './hubspot-harness.js';
import { arrayAt, at } from './json-path.js';

let h: HubSpotHarness | undefined;
afterEach(async () => {
  await h?.fake.stop();
  h = undefined;
});

describe('fake HubSpot: auth and rate limit', () => {
  it('answers a missing or unknown token with 401 and HubSpot’s error body', async () => {
    h = await startHubSpotHarness();
    const res = await fetch(`${h.fake.url}/crm/v3/lists/101`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      status: 'error',
      category: 'INVALID_AUTHENTICATION',
      correlationId: expect.any(String),
    });
    expect((await h.api('/crm/v3/lists/101', { token: 'nope' })).status).toBe(401);
  });

  it('answers past the rolling limit with the real 429 body, per portal, until the window moves on', async () => {
    let now = 1_767_000_000_000;
    const other = createDemoPortal({ portalId: 9_900_002, seed: 2, name: 'Other' });
    const hs = await startHubSpotHarness({
      portals: [demoPortal, other],
      rateLimit: { max: 5, windowMs: 10_000 },
      clock: { now: () => now },
    });
    h = hs;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await hs.api('/crm/v3/lists/101')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await hs.api('/crm/v3/lists/101');
    expect(limited.body).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: 'publicapi',
    });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    // Another portal has its own budget.
    expect((await hs.api('/crm/v3/lists/101', { token: other.accessToken })).status).toBe(200);
    now += 10_001;
    expect((await hs.api('/crm/v3/lists/101')).status).toBe(200);
    expect(hs.fake.record.rateLimited).toHaveLength(2);
  });
});

describe('fake HubSpot: OAuth', () => {
  const form = (url: string, fields: Record<string, string>) =>
    fetch(`${url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('exchanges a code for tokens once, refreshes, and expires access tokens after 30 minutes', async () => {
    let now = 1_767_000_000_000;
    const hs = await startHubSpotHarness({ clock: { now: () => now } });
    h = hs;
    const redirectUri = 'https://service.example.org/oauth/callback';
    const authorize = await fetch(
      `${hs.fake.url}/oauth/authorize?client_id=cid&redirect_uri=${encodeURIComponent(redirectUri)}&state=xyz&scope=oauth`,
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    const location = new URL(String(authorize.headers.get('location')));
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = String(location.searchParams.get('code'));

    const fields = {
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: 'csecret',
      redirect_uri: redirectUri,
      code,
    };
    const granted = await form(hs.fake.url, fields);
    expect(granted.status).toBe(200);
    const tokens = (await granted.json()) as { access_token: string; refresh_token: string };
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 1800,
      token_type: 'bearer',
    });
    expect((await hs.api('/crm/v3/lists/101', { token: tokens.access_token })).status).toBe(200);

    expect(await (await form(hs.fake.url, fields)).json()).toMatchObject({ status: 'BAD_AUTH_CODE' });
    const wrongSecret = await form(hs.fake.url, { ...fields, client_secret: 'wrong' });
    expect(await wrongSecret.json()).toMatchObject({ status: 'BAD_CLIENT_SECRET' });

    const info = await fetch(`${hs.fake.url}/oauth/v1/access-tokens/${tokens.access_token}`);
    expect(await info.json()).toMatchObject({
      hub_id: DEMO_PORTAL_ID,
      expires_in: 1800,
      scopes: expect.arrayContaining(['crm.lists.read']),
    });

    now += 1_800_000;
    const expired = await hs.api('/crm/v3/lists/101', { token: tokens.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ category: 'EXPIRED_AUTHENTICATION' });

    const refreshed = await form(hs.fake.url, {
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'csecret',
      refresh_token: tokens.refresh_token,
    });
    const next = (await refreshed.json()) as { access_token: string };
    expect(next.access_token).not.toBe(tokens.access_token);
    expect((await hs.api('/crm/v3/lists/101', { token: next.access_token })).status).toBe(200);
    expect(hs.fake.record.oauth.map((o) => o.outcome)).toEqual([
      'granted',
      'BAD_AUTH_CODE',
      'BAD_CLIENT_SECRET',
      'granted',
    ]);
  });
});

describe('fake HubSpot: timeline writes', () => {
  it('creates a Calls engagement associated to the contact and refuses one without hs_timestamp', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const call = {
      properties: {
        hs_timestamp: '2026-03-01T15:04:05.000Z',
        hs_call_title: 'Spring appeal call',
        hs_call_status: 'COMPLETED',
        hs_call_duration: 94_000,
      },
      associations: [
        { to: { id: '10001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] },
      ],
    };
    const created = await hs.api('/crm/v3/objects/calls', { body: call });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      properties: { hs_call_duration: '94000' },
      archived: false,
    });
    expect((await hs.api(`/crm/v3/objects/calls/${String(at(created.body, 'id'))}`)).status).toBe(200);

    const untimed = await hs.api('/crm/v3/objects/calls', {
      body: { ...call, properties: { hs_call_title: 'x' } },
    });
    expect(untimed.status).toBe(400);
    const wrongType = {
      ...call,
      associations: [
        { to: { id: '10001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] },
      ],
    };
    expect((await hs.api('/crm/v3/objects/calls', { body: wrongType })).status).toBe(400);

    const traced = [
      { ...call, objectWriteTraceId: 'attempt-1' },
      { ...call, objectWriteTraceId: 'attempt-2' },
    ];
    const batch = await hs.api('/crm/v3/objects/calls/batch/create', { body: { inputs: traced } });
    expect(batch.status).toBe(201);
    expect(arrayAt(batch.body, 'results').map((r) => at(r, 'objectWriteTraceId'))).toEqual([
      'attempt-1',
      'attempt-2',
    ]);
    expect(hs.fake.record.calls.map((c) => c.contactIds)).toEqual([['10001'], ['10001'], ['10001']]);
  });

  it('records app events and callback completions, flagging repeats', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const event = {
      eventTypeName: 'ae_ai_call',
      objectId: '10001',
      id: 'camp1-10001-1',
      properties: { outcome: 'pledged' },
    };
    expect((await hs.api('/integrators/timeline/v4/events', { body: event })).status).toBe(200);
    const batch = { inputs: [event, { ...event, id: 'camp1-10001-2' }] };
    expect((await hs.api('/integrators/timeline/v4/events/batch', { body: batch })).status).toBe(200);
    expect(hs.fake.record.appEvents.map((e) => [e.id, e.duplicate])).toEqual([
      ['camp1-10001-1', false],
      ['camp1-10001-1', true],
      ['camp1-10001-2', false],
    ]);

    const outputFields = { hs_execution_state: 'SUCCESS', call_outcome: 'pledged' };
    const completeBatch = { inputs: [{ callbackId: 'ap-1', outputFields }] };
    expect((await hs.api('/automation/v4/actions/callbacks/complete', { body: completeBatch })).status).toBe(
      204,
    );
    expect(
      (await hs.api('/automation/v4/actions/callbacks/ap-1/complete', { body: { outputFields } })).status,
    ).toBe(204);
    expect(hs.fake.record.callbackCompletions.map((c) => [c.callbackId, c.duplicate])).toEqual([
      ['ap-1', false],
      ['ap-1', true],
    ]);
  });
});

describe('fake HubSpot: /__sandbox', () => {
  it('shows the demo portal’s lists and every request received', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    await hs.api('/crm/v3/lists/101');
    const index = await (await fetch(`${hs.fake.url}/__sandbox`)).json();
    expect(at(index, 'links', 'lists')).toBe('/__sandbox/hubspot/lists');
    const lists = await (await fetch(`${hs.fake.url}/__sandbox/hubspot/lists`)).json();
    expect(lists).toEqual([
      { portalId: DEMO_PORTAL_ID, listId: '101', name: 'Spring appeal donors', size: 250 },
      { portalId: DEMO_PORTAL_ID, listId: '102', name: 'Quick demo (20 donors)', size: 20 },
      { portalId: DEMO_PORTAL_ID, listId: '103', name: 'Lapsed donors (100k)', size: 100_000 },
    ]);
    const requests = await (await fetch(`${hs.fake.url}/__sandbox/hubspot/requests`)).json();
    expect(requests).toMatchObject({
      total: 1,
      items: [{ method: 'GET', path: '/crm/v3/lists/101', portalId: DEMO_PORTAL_ID, status: 200 }],
    });
    const contacts = await (
      await fetch(`${hs.fake.url}/__sandbox/hubspot/lists/${DEMO_PORTAL_ID}/102/contacts?limit=5`)
    ).json();
    expect(arrayAt(contacts, 'items')).toHaveLength(5);
  });
});
