import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi, tableCounts } from '../../../test/helpers/signed-api.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { SECOND_PORTAL_ID } from '../../src/sandbox/index.js';

/**
 * The contact tab's read endpoints: a contact's call history across campaigns and its state in active campaigns,
 * through the signed API of a sandbox service (fresh database, manual clock, no workers: nothing moves unless the
 * test moves it). Portal B is connected too, so what B gets for A's contact is about tenancy, not installation.
 */

let db: TestDatabase;
let service: RunningService;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let A: number;
let portalA: ReturnType<typeof signedApi>;
let portalB: ReturnType<typeof signedApi>;

const CONTACT = '700001';
const NEVER_CALLED = '700002';

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    workers: [],
  });
  A = service.integrations.sandbox!.demoPortal.portalId;
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  portalA = signedApi(service, A);
  portalB = signedApi(service, SECOND_PORTAL_ID);
  await seedHistory();
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

let spring: string;
let autumn: string;
let paused: string;
let attemptIds: Record<string, string> = {};

async function campaign(name: string, status: string): Promise<string> {
  const id = await insertCampaign(db.pool, { portalId: A, status });
  await db.pool.query('UPDATE campaigns SET name = $2 WHERE id = $1', [id, name]);
  return id;
}

async function attempt(
  contactRow: string,
  a: {
    status: string;
    outcome?: string;
    detail?: Record<string, unknown>;
    dialStartedAt: Date;
    endedAt?: Date;
    conversationId?: string;
  },
): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
        status, outcome, outcome_detail, claimed_at, dial_started_at, ended_at, conversation_id)
     SELECT cc.portal_id, cc.campaign_id, cc.id, cc.contact_id, cc.phone_e164, 'phnum_test', $2, $3, $4, $5, $5, $6, $7
       FROM campaign_contacts cc WHERE cc.id = $1
     RETURNING id::text`,
    [
      contactRow,
      a.status,
      a.outcome ?? null,
      a.detail ?? null,
      a.dialStartedAt,
      a.endedAt ?? null,
      a.conversationId ?? null,
    ],
  );
  return rows[0]!.id;
}

const hoursAgo = (h: number) => new Date(TUESDAY_AFTERNOON_NY - h * 3_600_000);

/**
 * The contact in four campaigns of portal A: Spring (active; a no-answer, then a pledge: done), Autumn (active;
 * a dial never placed, a call ringing now, queued for 09:00 its time tomorrow), Winter (paused; a voicemail
 * whose stored detail is malformed) and Summer (completed; declined: in the history, not in the state).
 */
async function seedHistory(): Promise<void> {
  spring = await campaign('Spring appeal', 'active');
  autumn = await campaign('Autumn appeal', 'active');
  paused = await campaign('Winter appeal', 'paused');
  const summer = await campaign('Summer appeal', 'completed');
  const phone = usPhone(42);
  const [springRow] = await insertContacts(db.pool, A, spring, [
    { phone, contactId: CONTACT, state: 'done', zones: ['America/Chicago'] },
  ]);
  const [autumnRow] = await insertContacts(db.pool, A, autumn, [
    {
      phone,
      contactId: CONTACT,
      state: 'queued',
      zones: ['America/Chicago'],
      // 09:00 on Wednesday in Chicago (CST, UTC-6).
      nextAttemptAt: new Date('2026-12-02T15:00:00Z'),
    },
  ]);
  const [pausedRow] = await insertContacts(db.pool, A, paused, [
    {
      phone,
      contactId: CONTACT,
      state: 'queued',
      // A number whose prefix spans two zones: the card shows both clocks.
      zones: ['America/New_York', 'America/Chicago'],
      nextAttemptAt: new Date('2026-12-03T16:30:00Z'),
    },
  ]);
  const [summerRow] = await insertContacts(db.pool, A, summer, [
    { phone, contactId: CONTACT, state: 'done', zones: ['America/Chicago'] },
  ]);
  await db.pool.query(
    `UPDATE campaign_contacts SET attempts = 2, last_outcome = 'pledged', last_attempt_at = $2 WHERE id = $1`,
    [springRow, hoursAgo(3)],
  );
  await db.pool.query(
    `UPDATE campaign_contacts SET attempts = 1, last_outcome = 'no_answer', wait_reason = 'outside_window',
        last_attempt_at = $2 WHERE id = $1`,
    [autumnRow, hoursAgo(2)],
  );
  await db.pool.query(
    `UPDATE campaign_contacts SET attempts = 1, last_outcome = 'voicemail', wait_reason = 'retry' WHERE id = $1`,
    [pausedRow],
  );

  attemptIds = {
    summerDeclined: await attempt(summerRow!, {
      status: 'ended',
      outcome: 'declined',
      detail: { summary: 'Not this year.', durationSecs: 41 },
      dialStartedAt: hoursAgo(72),
      endedAt: hoursAgo(72),
      conversationId: 'conv_summer',
    }),
    springNoAnswer: await attempt(springRow!, {
      status: 'ended',
      outcome: 'no_answer',
      detail: {},
      dialStartedAt: hoursAgo(5),
      endedAt: hoursAgo(5),
    }),
    springPledged: await attempt(springRow!, {
      status: 'ended',
      outcome: 'pledged',
      // startedAtMs (from the provider) wins over our dial time; a malformed field is ignored, not fatal.
      detail: {
        summary: 'Pledged $75 monthly.',
        durationSecs: 94,
        pledgeAmount: 75,
        pledgeFrequency: 'monthly',
        startedAtMs: hoursAgo(3).getTime() + 4000,
        transcript: [{ role: 'agent', message: 'Hello', timeInCallSecs: 0 }],
      },
      dialStartedAt: hoursAgo(3),
      endedAt: new Date(hoursAgo(3).getTime() + 98_000),
      conversationId: 'conv_pledge/1',
    }),
    autumnNeverPlaced: await attempt(autumnRow!, {
      status: 'not_placed',
      dialStartedAt: hoursAgo(2.5),
    }),
    autumnRinging: await attempt(autumnRow!, {
      status: 'placed',
      dialStartedAt: hoursAgo(1),
      conversationId: 'conv_live',
    }),
    voicemailMalformed: await attempt(pausedRow!, {
      status: 'ended',
      outcome: 'voicemail',
      detail: { durationSecs: 'long', summary: 7 },
      dialStartedAt: hoursAgo(4),
      endedAt: hoursAgo(4),
    }),
  };
}

describe('a contact’s AI-call history', () => {
  it('lists every call across the portal’s campaigns, newest first, with outcome, duration, summary, pledge and link', async () => {
    const answer = await portalA.get(`/api/contacts/${CONTACT}/calls`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ total: 5, offset: 0, limit: 50 });
    expect(answer.body.items.map((c: { attemptId: string }) => c.attemptId)).toEqual([
      attemptIds.autumnRinging,
      attemptIds.springPledged,
      attemptIds.voicemailMalformed,
      attemptIds.springNoAnswer,
      attemptIds.summerDeclined,
    ]);
    expect(answer.body.items[0]).toMatchObject({
      campaign: { id: autumn, name: 'Autumn appeal' },
      status: 'in_progress',
      outcome: null,
      endedAt: null,
    });
    expect(answer.body.items[1]).toEqual({
      attemptId: attemptIds.springPledged,
      campaign: { id: spring, name: 'Spring appeal' },
      at: new Date(hoursAgo(3).getTime() + 4000).toISOString(),
      endedAt: new Date(hoursAgo(3).getTime() + 98_000).toISOString(),
      status: 'ended',
      outcome: 'pledged',
      durationSeconds: 94,
      summary: 'Pledged $75 monthly.',
      pledge: { amount: 75, frequency: 'monthly' },
      conversationId: 'conv_pledge/1',
      conversationUrl: 'https://elevenlabs.io/app/conversational-ai/history/conv_pledge%2F1',
    });
    expect(answer.body.items[2]).toMatchObject({
      campaign: { id: paused },
      outcome: 'voicemail',
      durationSeconds: null,
      summary: null,
      pledge: null,
    });
    expect(answer.body.items[4]).toMatchObject({ outcome: 'declined', campaign: { name: 'Summer appeal' } });
  });

  it('pages with offset and limit, counting every call in total', async () => {
    const page = await portalA.get(`/api/contacts/${CONTACT}/calls?offset=1&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 5, offset: 1, limit: 2 });
    expect(page.body.items.map((c: { attemptId: string }) => c.attemptId)).toEqual([
      attemptIds.springPledged,
      attemptIds.voicemailMalformed,
    ]);
    const beyond = await portalA.get(`/api/contacts/${CONTACT}/calls?offset=50`);
    expect(beyond.body).toMatchObject({ items: [], total: 5 });
  });

  it('is empty, not an error, for a contact never called', async () => {
    const answer = await portalA.get(`/api/contacts/${NEVER_CALLED}/calls`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], total: 0, offset: 0, limit: 50 });
  });

  it('shows another portal nothing of the contact: B gets the answer of a contact it never called', async () => {
    const answer = await portalB.get(`/api/contacts/${CONTACT}/calls`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], total: 0, offset: 0, limit: 50 });
  });
});

describe('a contact’s state in active campaigns', () => {
  it('shows each active or paused campaign with state, attempts, last outcome and the next attempt in local time', async () => {
    const answer = await portalA.get(`/api/contacts/${CONTACT}/state`);
    expect(answer.status).toBe(200);
    expect(answer.body.contactId).toBe(CONTACT);
    const byName = Object.fromEntries(
      answer.body.campaigns.map((c: { campaign: { name: string } }) => [c.campaign.name, c]),
    );
    expect(Object.keys(byName).sort()).toEqual(['Autumn appeal', 'Spring appeal', 'Winter appeal']);
    expect(byName['Autumn appeal']).toEqual({
      campaign: { id: autumn, name: 'Autumn appeal', status: 'active' },
      state: 'queued',
      skipReason: null,
      attempts: 1,
      maxAttempts: 3,
      nextAttempt: {
        at: '2026-12-02T15:00:00.000Z',
        local: [{ timeZone: 'America/Chicago', dateTime: '2026-12-02T09:00', utcOffset: '-06:00' }],
      },
      waitReason: 'outside_window',
      lastOutcome: 'no_answer',
      lastAttemptAt: hoursAgo(2).toISOString(),
    });
    expect(byName['Winter appeal']).toMatchObject({
      campaign: { status: 'paused' },
      nextAttempt: {
        at: '2026-12-03T16:30:00.000Z',
        local: [
          { timeZone: 'America/New_York', dateTime: '2026-12-03T11:30', utcOffset: '-05:00' },
          { timeZone: 'America/Chicago', dateTime: '2026-12-03T10:30', utcOffset: '-06:00' },
        ],
      },
      waitReason: 'retry',
      lastOutcome: 'voicemail',
    });
    expect(byName['Spring appeal']).toMatchObject({
      state: 'done',
      nextAttempt: null,
      waitReason: null,
      lastOutcome: 'pledged',
      attempts: 2,
    });
    expect(answer.body.doNotCall).toEqual({ active: false, numbers: [], lastChange: null, hubspot: null });
  });

  it('shows do-not-call from the portal’s list, with the reason and the number masked', async () => {
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source, created_at)
       VALUES ($1, $2, 'opted_out', 'attempt-x', $3)`,
      [A, usPhone(42), hoursAgo(1)],
    );
    try {
      const answer = await portalA.get(`/api/contacts/${CONTACT}/state`);
      expect(answer.body.doNotCall).toEqual({
        active: true,
        numbers: [
          {
            maskedPhone: '+12*******42',
            reason: 'opted_out',
            source: 'attempt-x',
            since: hoursAgo(1).toISOString(),
          },
        ],
        lastChange: null,
        hubspot: null,
      });
      expect(JSON.stringify(answer.body)).not.toContain(usPhone(42));
    } finally {
      await db.pool.query('DELETE FROM suppressions WHERE portal_id = $1', [A]);
    }
  });

  it('answers a contact with no campaigns with no campaigns, and another portal gets exactly that for A’s contact', async () => {
    const never = await portalA.get(`/api/contacts/${NEVER_CALLED}/state`);
    const fromB = await portalB.get(`/api/contacts/${CONTACT}/state`);
    for (const answer of [never, fromB]) {
      expect(answer.status).toBe(200);
      expect(answer.body.campaigns).toEqual([]);
      expect(answer.body.doNotCall).toEqual({ active: false, numbers: [], lastChange: null, hubspot: null });
    }
  });
});

describe('malformed contact requests', () => {
  it('answer 400 naming the field and change nothing', async () => {
    const before = await tableCounts(service);
    const cases: [string, Promise<{ status: number; body: { error: { field?: string } } }>][] = [
      ['contactId', portalA.get('/api/contacts/not-a-contact/calls')],
      ['contactId', portalA.get('/api/contacts/0123/state')],
      ['limit', portalA.get(`/api/contacts/${CONTACT}/calls?limit=0`)],
      ['limit', portalA.get(`/api/contacts/${CONTACT}/calls?limit=201`)],
      ['offset', portalA.get(`/api/contacts/${CONTACT}/calls?offset=-1`)],
      ['offset', portalA.get(`/api/contacts/${CONTACT}/calls?offset=two`)],
    ];
    for (const [field, pending] of cases) {
      const answer = await pending;
      expect({ field, status: answer.status, named: answer.body.error.field }).toEqual({
        field,
        status: 400,
        named: field,
      });
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it('accepts whatever else HubSpot’s proxy puts in the query string', async () => {
    const answer = await portalA.get(
      `/api/contacts/${CONTACT}/calls?limit=1&userEmail=ada%40charity.org&appId=22558790&cacheBust=1`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(1);
  });
});
