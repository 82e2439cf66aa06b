import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { type SignedCall, signedApi, tableCounts } from '../../../test/helpers/signed-api.js';
import { signHubSpotRequestV3 } from '../../src/hubspot/index.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { sendSignedCall } from '../../src/sandbox/hubspot/signed-calls.js';
import { SECOND_PORTAL_ID } from '../../src/sandbox/index.js';

let db: TestDatabase;
let service: RunningService;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let portalA: ReturnType<typeof signedApi>;
let portalB: ReturnType<typeof signedApi>;
let campaignBody: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  // Portal B is connected too (as if installed), so a 404 on A's objects is about tenancy, not installation.
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  portalA = signedApi(service, demo.portalId);
  portalB = signedApi(service, SECOND_PORTAL_ID);
  campaignBody = {
    name: 'Spring appeal',
    listId: demo.lists.find((l) => l.size === 20)!.listId,
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
  };
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const withHeader = (call: SignedCall, name: string, value: string | null): SignedCall => {
  const headers = { ...call.headers };
  delete headers[name];
  if (value !== null) headers[name] = value;
  return { ...call, headers };
};

describe('the signed API', () => {
  it('creates a campaign for the signed portal and records the acting HubSpot user', async () => {
    const created = await portalA.post('/api/campaigns', { ...campaignBody, idempotencyKey: 'create-0001' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Spring appeal', status: 'importing', createdByUserId: 7001 });
    const change = await db.pool.query(
      'SELECT user_id, action FROM campaign_changes WHERE campaign_id = $1',
      [created.body.id],
    );
    expect(change.rows).toEqual([{ user_id: 7001, action: 'created' }]);
  });

  it('creates nothing twice when HubSpot retries a create with the same idempotency key', async () => {
    const before = await tableCounts(service);
    const body = { ...campaignBody, idempotencyKey: 'create-0002' };
    const [first, second] = await Promise.all([
      portalA.post('/api/campaigns', body),
      portalA.post('/api/campaigns', body),
    ]);
    const third = await portalA.post('/api/campaigns', body);
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(new Set([first.body.id, second.body.id, third.body.id]).size).toBe(1);
    expect((await tableCounts(service)).campaigns).toBe(before.campaigns! + 1);
  });

  it('answers 401 to unsigned, wrongly signed, stale, body-tampered and portal-tampered requests', async () => {
    const good = portalA.sign('POST', '/api/campaigns', { ...campaignBody, idempotencyKey: 'create-0003' });
    const before = await tableCounts(service);
    const stale = portalA.sign(
      'POST',
      '/api/campaigns',
      { ...campaignBody, idempotencyKey: 'create-0003' },
      clock.now() - 301_000,
    );
    const cases: Record<string, SignedCall> = {
      unsigned: withHeader(good, 'X-HubSpot-Signature-v3', null),
      'wrong secret': withHeader(good, 'X-HubSpot-Signature-v3', Buffer.alloc(32, 7).toString('base64')),
      stale,
      'tampered body': { ...good, body: good.body.replace('Spring appeal', 'Spring appeaL') },
      'tampered portal': { ...good, url: good.url.replace(/portalId=\d+/, `portalId=${SECOND_PORTAL_ID}`) },
    };
    for (const [name, call] of Object.entries(cases)) {
      const answer = await sendSignedCall(call);
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it("answers 404 for another portal's campaign, and 401 for a portal that has not installed the app", async () => {
    const created = await portalA.post('/api/campaigns', { ...campaignBody, idempotencyKey: 'create-0004' });
    expect((await portalA.get(`/api/campaigns/${created.body.id}`)).status).toBe(200);
    const fromB = await portalB.get(`/api/campaigns/${created.body.id}`);
    expect(fromB.status).toBe(404);
    expect(fromB.body.error.code).toBe('not_found');
    const stranger = signedApi(service, 12345);
    const answer = await stranger.get(`/api/campaigns/${created.body.id}`);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('portal_not_connected');
  });

  it('rejects a malformed create with a 400 naming the field, and writes nothing', async () => {
    const before = await tableCounts(service);
    const answer = await portalA.post('/api/campaigns', {
      ...campaignBody,
      idempotencyKey: 'create-0005',
      window: { days: [9], start: '09:00', end: '20:00' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('window.days[0]');
    const noKey = await portalA.post('/api/campaigns', campaignBody);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.field).toBe('idempotencyKey');
    expect(await tableCounts(service)).toEqual(before);
  });

  it('rejects a correctly signed body that is not UTF-8 with a 400 on the body, and writes nothing', async () => {
    // Found by the fuzz suite (test/fuzz): the bytes were decoded leniently, so a 0xFF in a campaign name or a
    // preview text became U+FFFD and the request was carried out (201) with text the caller never sent.
    const before = await tableCounts(service);
    const json = JSON.stringify({ ...campaignBody, name: 'Spring appeal', idempotencyKey: 'create-0006' });
    const at = json.indexOf('Spring appeal');
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80]]) {
      const raw = Buffer.concat([
        Buffer.from(json.slice(0, at)),
        Buffer.from(bad),
        Buffer.from(json.slice(at)),
      ]);
      const call = portalA.sign('POST', '/api/campaigns');
      const signature = signHubSpotRequestV3({
        method: 'POST',
        uri: call.url,
        rawBody: raw,
        clientSecret: service.integrations.hubspotClientSecret!,
        timestampMs: clock.now(),
      });
      const answer = await fetch(call.url, {
        method: 'POST',
        headers: { ...signature, 'content-type': 'application/json' },
        body: new Uint8Array(raw),
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { field: string } }).error).toMatchObject({
        field: 'body',
        message: 'body: not valid UTF-8',
      });
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it('rejects a NUL character in any text of a signed body with a 400 naming the field, and writes nothing', async () => {
    // Found by the fuzz suite (test/fuzz): Postgres cannot hold U+0000, so a NUL in a campaign name, an
    // idempotency key, a do-not-call reason or a settings property failed the write or the lookup (a 500).
    const before = await tableCounts(service);
    const cases: [string, string, Record<string, unknown>, string][] = [
      [
        'POST',
        '/api/campaigns',
        { ...campaignBody, name: 'Spring\u0000', idempotencyKey: 'create-0007' },
        'name',
      ],
      ['POST', '/api/campaigns', { ...campaignBody, idempotencyKey: 'create-0008\u0000' }, 'idempotencyKey'],
      ['PUT', '/api/contacts/20001/do-not-call', { doNotCall: true, reason: 'by email\u0000' }, 'reason'],
      [
        'POST',
        '/api/contacts/20001/call-now',
        { campaignId: 'c', idempotencyKey: 'now-0001\u0000' },
        'idempotencyKey',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await portalA.call(method, path, body);
      expect({ path, status: answer.status, field: answer.body.error?.field }).toEqual({
        path,
        status: 400,
        field,
      });
    }
    expect(await tableCounts(service)).toEqual(before);
  });
});
