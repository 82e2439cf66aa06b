import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { callableDemoContacts, sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { type SignedCall, sendSignedCall } from '../../src/sandbox/hubspot/signed-calls.js';
import type { Sandbox } from '../../src/sandbox/index.js';

const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let service: RunningService;
let sandbox: Sandbox;
let portalId: number;
let campaignId: string;
/** A contact the fake HubSpot has (do-not-call false, consent true). */
const CONTACT = callableDemoContacts(1)[0] ?? '';
const PHONE = usPhone(201);

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  sandbox = service.integrations.sandbox!;
  portalId = sandbox.demoPortal.portalId;
  campaignId = await insertCampaign(db.pool, { portalId });
  await insertContacts(db.pool, portalId, campaignId, [{ phone: PHONE, contactId: CONTACT }]);
});
afterEach(async () => {
  await db.pool.query('TRUNCATE suppressions, hubspot_webhook_events');
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

let eventId = 1;
/** A do-not-call property change of our contact, as HubSpot's webhooks v3 send it. */
const dncEvent = (over: Record<string, unknown> = {}) => ({
  eventId: eventId++,
  subscriptionId: 4100,
  portalId,
  appId: 1000001,
  occurredAt: clock.now(),
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: Number(CONTACT),
  propertyName: 'fundraising_do_not_call',
  propertyValue: 'true',
  changeSource: 'CRM_UI',
  sourceId: 'userId:7001',
  ...over,
});

/** Signed as HubSpot signs webhooks (v3, no caller parameters). */
const sign = (body: unknown, timestampMs?: number): SignedCall =>
  sandbox.hubspot.signServiceCall({
    method: 'POST',
    path: '/webhooks/hubspot',
    body,
    ...(timestampMs === undefined ? {} : { timestampMs }),
  });
const post = (body: unknown) => sendSignedCall(sign(body));

const storedEvents = async () =>
  (
    await db.pool.query(
      'SELECT event_id, kind, outcome, processed_at IS NOT NULL AS processed FROM hubspot_webhook_events ORDER BY id',
    )
  ).rows;
const suppressions = async () =>
  (await db.pool.query('SELECT portal_id, phone_e164, reason FROM suppressions ORDER BY phone_e164')).rows;

describe('POST /webhooks/hubspot', () => {
  it('stores a signed batch, applies it and answers 200 with what was new', async () => {
    const answer = await post([dncEvent()]);
    expect(answer).toEqual({ status: 200, body: { received: 1, stored: 1, duplicates: 0 } });
    expect(await storedEvents()).toEqual([
      expect.objectContaining({ kind: 'contact_property_change', outcome: 'applied: do-not-call true' }),
    ]);
    expect(await suppressions()).toEqual([
      { portal_id: portalId, phone_e164: PHONE, reason: 'hubspot_property' },
    ]);
  });

  it('answers 401 to unsigned, wrongly signed, stale and tampered batches, and stores nothing', async () => {
    const good = sign([dncEvent()]);
    const { 'X-HubSpot-Signature-v3': _drop, ...unsigned } = good.headers;
    const cases: Record<string, SignedCall> = {
      unsigned: { ...good, headers: unsigned },
      'wrong secret': {
        ...good,
        headers: { ...good.headers, 'X-HubSpot-Signature-v3': Buffer.alloc(32, 7).toString('base64') },
      },
      stale: sign([dncEvent()], clock.now() - 301_000),
      'tampered body': { ...good, body: good.body.replace('"true"', '"false"') },
    };
    for (const [name, call] of Object.entries(cases)) {
      const answer = await sendSignedCall(call);
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
    }
    expect(await storedEvents()).toEqual([]);
    expect(await suppressions()).toEqual([]);
  });

  it('answers 400 naming the field to more than 100 events, a non-array and a malformed event, storing nothing', async () => {
    const tooMany = await post(Array.from({ length: 101 }, () => dncEvent()));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'invalid_request', field: 'events' } });
    const notArray = await post({ events: [dncEvent()] });
    expect(notArray.body).toMatchObject({ error: { field: 'body' } });
    // One malformed event refuses the batch: its good neighbours are not half-stored either.
    const malformed = await post([dncEvent(), dncEvent({ occurredAt: 'yesterday' })]);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { field: 'events[1].occurredAt' } });
    // Found by the fuzz suite (test/fuzz): a NUL in an event's text failed the insert (a 500).
    const withNul = await post([dncEvent(), dncEvent({ propertyName: 'fundraising_do_not_call\u0000' })]);
    expect({ status: withNul.status, body: withNul.body }).toMatchObject({
      status: 400,
      body: { error: { field: 'events[1].propertyName' } },
    });
    expect(await storedEvents()).toEqual([]);
    expect(await suppressions()).toEqual([]);
  });

  it('stores and applies a redelivered event once (same event id, a higher attempt number)', async () => {
    const event = dncEvent();
    expect((await post([event, event])).body).toEqual({ received: 2, stored: 1, duplicates: 1 });
    // Taken off by hand after the first delivery: a redelivery must not apply the change again.
    await db.pool.query('DELETE FROM suppressions');
    const retry = await post([{ ...event, attemptNumber: 1 }]);
    expect(retry).toEqual({ status: 200, body: { received: 1, stored: 0, duplicates: 1 } });
    expect(await storedEvents()).toHaveLength(1);
    expect(await suppressions()).toEqual([]);
  });

  it('stores and ignores foreign portals and other types without failing the batch they came in', async () => {
    const answer = await post([
      dncEvent({ portalId: 424242 }),
      { ...dncEvent(), subscriptionType: 'deal.creation', propertyName: undefined, propertyValue: undefined },
      dncEvent({ propertyName: 'firstname', propertyValue: 'Ada' }),
      dncEvent(),
    ]);
    expect(answer.body).toEqual({ received: 4, stored: 4, duplicates: 0 });
    expect((await storedEvents()).map((e) => [e.outcome, e.processed])).toEqual([
      ['ignored: portal not served', true],
      ['ignored: not a contact event we act on', true],
      ['ignored: no campaign uses this property', true],
      ['applied: do-not-call true', true],
    ]);
    expect(await suppressions()).toEqual([
      { portal_id: portalId, phone_e164: PHONE, reason: 'hubspot_property' },
    ]);
  });

  it('keeps the latest change when HubSpot delivers an older one after it', async () => {
    const newer = dncEvent({ propertyValue: 'false', occurredAt: clock.now() });
    const older = dncEvent({ propertyValue: 'true', occurredAt: clock.now() - 5_000 });
    await post([newer]);
    await post([older]);
    expect(await suppressions()).toEqual([]);
    expect((await storedEvents()).map((e) => e.outcome)).toEqual([
      'applied: do-not-call false',
      'superseded: a later change of this property came first',
    ]);
  });

  it('acts on the generic object.* subscription types of contacts (objectTypeId 0-1)', async () => {
    await post([dncEvent({ subscriptionType: 'object.propertyChange', objectTypeId: '0-1' })]);
    expect(await suppressions()).toHaveLength(1);
  });

  it('is what the fake HubSpot sends when a contact changes in the sandbox', async () => {
    const change = await sandbox.hubspot.changeContact(portalId, CONTACT, {
      fundraising_do_not_call: 'true',
      firstname: 'Changed',
    });
    expect(change.events.map((e) => e.propertyName)).toEqual(['fundraising_do_not_call', 'firstname']);
    expect(change.deliveries).toEqual([expect.objectContaining({ status: 200, attempts: 1, events: 2 })]);
    expect(await suppressions()).toHaveLength(1);
    // Setting the same value again changes nothing in HubSpot, so nothing is sent.
    const same = await sandbox.hubspot.changeContact(portalId, CONTACT, { fundraising_do_not_call: 'true' });
    expect(same.deliveries).toEqual([]);
    await sandbox.hubspot.changeContact(portalId, CONTACT, { fundraising_do_not_call: 'false' });
  });

  it('is retried by the fake HubSpot after a 5xx, with attemptNumber counting up, and batched 100 per request', async () => {
    const seen: { status: number; attempts: number[]; events: number }[] = [];
    let failuresLeft = 2;
    const flaky = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const events = JSON.parse(body) as { attemptNumber: number }[];
        const status = failuresLeft-- > 0 ? 503 : 200;
        seen.push({
          status,
          attempts: [...new Set(events.map((e) => e.attemptNumber))],
          events: events.length,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    sandbox.hubspot.setServiceUrl(`http://127.0.0.1:${(flaky.address() as AddressInfo).port}`);
    try {
      const deliveries = await sandbox.hubspot.sendWebhookEvents(
        Array.from({ length: 150 }, () => dncEvent()),
      );
      expect(deliveries.map((d) => [d.events, d.attempts, d.status])).toEqual([
        [100, 3, 200],
        [50, 1, 200],
      ]);
      expect(seen).toEqual([
        { status: 503, attempts: [0], events: 100 },
        { status: 503, attempts: [1], events: 100 },
        { status: 200, attempts: [2], events: 100 },
        { status: 200, attempts: [0], events: 50 },
      ]);
    } finally {
      sandbox.hubspot.setServiceUrl(service.url);
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});
