import { CALL_OUTCOMES, type CallOutcome, OUTCOME_LABELS } from '@fundraising/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { withTransaction } from '../../src/db/pool.js';
import { sandboxAccessToken } from '../../src/sandbox/index.js';
import {
  appEventId,
  CALL_PROPERTIES,
  CONTACT_PROPERTIES,
  CONTACT_PROPERTY,
  enqueueWriteback,
  STRANDED_AFTER_SECONDS,
  sweepStrandedWritebacks,
  WRITEBACK_DEBOUNCE_SECONDS,
  WRITEBACK_QUEUE,
  writebackPortal,
} from '../../src/writeback/index.js';
import {
  callsPerAttempt,
  enqueueAll,
  outboxRows,
  PORTAL_ID,
  seedFinishedAttempts,
  startWritebackHarness,
  type WritebackHarness,
} from './harness.js';

let h: WritebackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const CALLS_CREATE = '/crm/v3/objects/calls/batch/create';
const CONTACTS_UPDATE = '/crm/v3/objects/contacts/batch/update';

describe('queueing the write-back', () => {
  it('queues one job per portal however many outcomes arrive, a moment out so they are written together', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, Array(30).fill('declined'), { enqueue: false });
    const before = Date.now();

    expect(await enqueueAll(h, seeded)).toBe(30);
    expect(await enqueueAll(h, seeded)).toBe(0);

    const jobs = await h.boss.findJobs(WRITEBACK_QUEUE.name, { queued: true });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ data: { portalId: PORTAL_ID }, singletonKey: String(PORTAL_ID) });
    expect(jobs[0]?.startAfter.getTime()).toBeGreaterThanOrEqual(
      before + (WRITEBACK_DEBOUNCE_SECONDS - 1) * 1000,
    );
    expect(await outboxRows(h)).toHaveLength(30);
  });

  it('queues nothing when the transaction recording the outcome rolls back', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, ['pledged'], { enqueue: false });
    const harness = h;
    await expect(
      withTransaction(h.db.pool, async (tx) => {
        await enqueueWriteback(tx, harness.boss, {
          portalId: PORTAL_ID,
          attemptId: seeded[0]?.attemptId ?? '',
        });
        throw new Error('outcome not recorded after all');
      }),
    ).rejects.toThrow('outcome not recorded after all');
    expect(await outboxRows(h)).toHaveLength(0);
    expect(await h.boss.findJobs(WRITEBACK_QUEUE.name)).toHaveLength(0);
  });
});

describe('jobs and runs', () => {
  it('leaves outcomes that arrive during a run to the next job, so they are written as one batch', async () => {
    h = await startWritebackHarness();
    const harness = h;
    await seedFinishedAttempts(h, Array(120).fill('declined'));
    let late: Awaited<ReturnType<typeof seedFinishedAttempts>> = [];
    const real = h.hubspot.forPortal(PORTAL_ID);
    const deps = {
      ...h.deps,
      hubspot: {
        forPortal: () => ({
          ...real,
          createCalls: async (calls: Parameters<typeof real.createCalls>[0]) => {
            if (late.length === 0) {
              const contactIds = Array.from({ length: 30 }, (_, i) => String(10_201 + i));
              late = await seedFinishedAttempts(harness, Array(30).fill('busy'), { contactIds });
            }
            return real.createCalls(calls);
          },
        }),
      },
    };

    await expect(writebackPortal(deps, PORTAL_ID)).resolves.toMatchObject({ rows: 120, done: 120 });
    expect(h.requests('POST', CALLS_CREATE)).toBe(2);
    expect((await outboxRows(h)).filter((r) => r.status === 'pending')).toHaveLength(30);
    expect(await h.boss.findJobs(WRITEBACK_QUEUE.name, { queued: true })).toHaveLength(1);

    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 30, done: 30 });
    expect(h.requests('POST', CALLS_CREATE)).toBe(3);
  });

  it('queues a job for a portal whose outcomes no run has touched, and leaves failing ones to the retries', async () => {
    h = await startWritebackHarness();
    const [stranded, failing, fresh] = await seedFinishedAttempts(h, ['pledged', 'declined', 'busy'], {
      enqueue: false,
    });
    const old = `now() - interval '${STRANDED_AFTER_SECONDS + 60} seconds'`;
    await h.db.pool.query(
      `INSERT INTO crm_writes (portal_id, attempt_id, attempts, created_at) VALUES
         ($1, $2, 0, ${old}), ($1, $3, 4, ${old}), ($1, $4, 0, now())`,
      [PORTAL_ID, stranded?.attemptId, failing?.attemptId, fresh?.attemptId],
    );

    expect(await sweepStrandedWritebacks(h.deps)).toBe(1);
    const jobs = await h.boss.findJobs(WRITEBACK_QUEUE.name, { queued: true });
    expect(jobs.map((j) => j.data)).toEqual([{ portalId: PORTAL_ID }]);

    await h.db.pool.query('UPDATE crm_writes SET attempts = 1 WHERE attempt_id = $1', [stranded?.attemptId]);
    expect(await sweepStrandedWritebacks(h.deps)).toBe(0);
  });
});

describe('write-back of finished calls to HubSpot', () => {
  it('writes 250 outcomes with 3 Calls creates and 3 contact updates, each call logged once', async () => {
    h = await startWritebackHarness();
    const outcomes = Array.from(
      { length: 250 },
      (_, i) => CALL_OUTCOMES[i % CALL_OUTCOMES.length] as CallOutcome,
    );
    const seeded = await seedFinishedAttempts(h, outcomes, { attemptsPerContact: 2 });

    const summary = await writebackPortal(h.deps, PORTAL_ID);

    expect(summary).toEqual({ portalId: PORTAL_ID, rows: 250, done: 250, rejected: 0, pending: 0 });
    expect(h.requests('POST', CALLS_CREATE)).toBe(Math.ceil(250 / 100));
    expect(h.requests('POST', CONTACTS_UPDATE)).toBe(Math.ceil(250 / 100));
    // Everything else was the one-time property setup of the portal: a group and its properties, on contacts and calls.
    const setup = 2 + CONTACT_PROPERTIES.length + CALL_PROPERTIES.length;
    const total = h.fake.record.requests.filter((r) => r.portalId === PORTAL_ID).length;
    expect(total).toBe(6 + setup);
    expect(total / 250).toBeLessThan(0.1);

    const perAttempt = callsPerAttempt(h.fake);
    expect([...perAttempt.keys()].sort()).toEqual(seeded.map((s) => s.attemptId).sort());
    expect([...perAttempt.values()].every((n) => n === 1)).toBe(true);
    const stored = await outboxRows(h);
    expect(
      stored.every((r) => r.status === 'done' && r.call_done && r.contact_done && r.app_event_done),
    ).toBe(true);
    const callIdOf = new Map(h.fake.record.calls.map((c) => [c.objectWriteTraceId, c.id]));
    for (const row of stored) expect(row.hubspot_call_id).toBe(callIdOf.get(row.attempt_id));
    expect(h.fake.record.appEvents).toEqual([]);

    for (const s of seeded) {
      const contact = h.fake.contact(PORTAL_ID, s.contactId);
      expect(contact?.[CONTACT_PROPERTY.lastOutcome]).toBe(s.outcome);
      expect(contact?.[CONTACT_PROPERTY.attempts]).toBe('2');
      expect(contact?.[CONTACT_PROPERTY.lastCallDate]).toBe(
        new Date(s.detail.startedAtMs ?? 0).toISOString(),
      );
      if (s.outcome === 'pledged') {
        expect(contact?.[CONTACT_PROPERTY.lastPledgeAmount]).toBe(String(s.detail.pledgeAmount));
        expect(contact?.[CONTACT_PROPERTY.lastPledgeFrequency]).toBe(s.detail.pledgeFrequency);
      } else {
        expect(contact?.[CONTACT_PROPERTY.lastPledgeAmount] ?? null).toBeNull();
      }
      if (s.outcome === 'opted_out') expect(contact?.fundraising_do_not_call).toBe('true');
    }
    // Only an opt-out sets the do-not-call property (some demo donors carry the flag from before).
    const dncWrites = h.fake.record.propertyWrites.filter((w) => 'fundraising_do_not_call' in w.properties);
    expect(dncWrites.map((w) => w.contactId).sort()).toEqual(
      seeded
        .filter((s) => s.outcome === 'opted_out')
        .map((s) => s.contactId)
        .sort(),
    );
  });

  it('logs each call with its outcome, status, duration, numbers, body and conversation link', async () => {
    h = await startWritebackHarness();
    const [pledge, noAnswer] = await seedFinishedAttempts(h, ['pledged', 'no_answer']);
    await writebackPortal(h.deps, PORTAL_ID);

    const call = h.fake.record.calls.find((c) => c.objectWriteTraceId === pledge?.attemptId);
    expect(call?.contactIds).toEqual([pledge?.contactId]);
    expect(call?.properties).toMatchObject({
      hs_call_title: 'AI call · test campaign: Pledged',
      hs_call_status: 'COMPLETED',
      hs_call_direction: 'OUTBOUND',
      hs_call_duration: String((pledge?.detail.durationSecs ?? 0) * 1000),
      hs_call_to_number: pledge?.detail.toNumber,
      hs_call_from_number: '+12125550100',
      hs_timestamp: new Date(pledge?.detail.startedAtMs ?? 0).toISOString(),
      ai_call_attempt_id: pledge?.attemptId,
    });
    const body = call?.properties.hs_call_body ?? '';
    expect(body).toContain('spring appeal &lt;food drive&gt;');
    expect(body).toContain(`Pledged ${pledge?.detail.pledgeAmount} (monthly)`);
    expect(body).toContain(
      `https://elevenlabs.io/app/conversational-ai/history/${pledge?.detail.conversationId ?? ''}`,
    );
    expect(body).toContain('<strong>Donor:</strong> Happy to give again.');
    const missed = h.fake.record.calls.find((c) => c.objectWriteTraceId === noAnswer?.attemptId);
    expect(missed?.properties).toMatchObject({
      hs_call_title: 'AI call · test campaign: No answer',
      hs_call_status: 'NO_ANSWER',
      hs_call_duration: '0',
    });
  });

  it("creates the app's property group and an outcome property labelled with every outcome, once", async () => {
    h = await startWritebackHarness();
    await seedFinishedAttempts(h, ['declined']);
    await writebackPortal(h.deps, PORTAL_ID);
    const res = await fetch(`${h.fake.url}/crm/v3/properties/contacts/${CONTACT_PROPERTY.lastOutcome}`, {
      headers: { authorization: `Bearer ${sandboxAccessToken(PORTAL_ID)}` },
    });
    const definition = (await res.json()) as {
      groupName: string;
      options: { value: string; label: string }[];
    };
    expect(definition.groupName).toBe('ai_fundraising');
    expect(definition.options.map((o) => [o.value, o.label])).toEqual(
      CALL_OUTCOMES.map((o) => [o, OUTCOME_LABELS[o]]),
    );

    const setupRequests = h.fake.record.requests.filter((r) =>
      r.path.startsWith('/crm/v3/properties/'),
    ).length;
    await seedFinishedAttempts(h, ['busy'], { contactIds: ['10100'] });
    await writebackPortal(h.deps, PORTAL_ID);
    expect(h.fake.record.requests.filter((r) => r.path.startsWith('/crm/v3/properties/')).length).toBe(
      setupRequests,
    );
  });

  it('writes nothing twice when an outcome is queued again or the job runs again', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, ['pledged', 'declined', 'opted_out']);
    await writebackPortal(h.deps, PORTAL_ID);
    const requestsAfterFirstRun = h.fake.record.requests.length;

    expect(await enqueueAll(h, seeded)).toBe(0);
    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 0 });
    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 0 });

    expect(h.fake.record.requests.length).toBe(requestsAfterFirstRun);
    expect(h.fake.record.calls).toHaveLength(3);
    expect(h.fake.record.propertyWrites).toHaveLength(3);
  });

  it('writes a contact called twice once, with its latest outcome, and keeps its last pledge', async () => {
    h = await startWritebackHarness();
    const second = await insertCampaign(h.db.pool, { portalId: PORTAL_ID });
    const [pledge] = await seedFinishedAttempts(h, ['pledged'], { contactIds: ['10007'] });
    const [later] = await seedFinishedAttempts(h, ['declined'], {
      contactIds: ['10007'],
      campaignId: second,
      offsetMs: 3_600_000,
    });

    await writebackPortal(h.deps, PORTAL_ID);

    expect(h.requests('POST', CALLS_CREATE)).toBe(1);
    expect(h.fake.record.calls).toHaveLength(2);
    const writes = h.fake.record.propertyWrites.filter((w) => w.contactId === '10007');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.properties).toMatchObject({
      [CONTACT_PROPERTY.lastOutcome]: 'declined',
      [CONTACT_PROPERTY.lastCallDate]: new Date(later?.detail.startedAtMs ?? 0).toISOString(),
      [CONTACT_PROPERTY.attempts]: '2',
      [CONTACT_PROPERTY.lastPledgeAmount]: String(pledge?.detail.pledgeAmount),
      [CONTACT_PROPERTY.lastPledgeFrequency]: pledge?.detail.pledgeFrequency,
    });
  });
});

describe('a contact whose next call ends during a run', () => {
  it('is written once, by the run that has the latest call, not also by the run already under way', async () => {
    h = await startWritebackHarness();
    const harness = h;
    const second = await insertCampaign(h.db.pool, { portalId: PORTAL_ID });
    await seedFinishedAttempts(h, ['busy'], { contactIds: ['10007'] });
    let later: Awaited<ReturnType<typeof seedFinishedAttempts>> = [];
    const real = h.hubspot.forPortal(PORTAL_ID);
    const deps = {
      ...h.deps,
      hubspot: {
        forPortal: () => ({
          ...real,
          // The contact's next call ends after this run took its rows, before it writes the contact.
          createCalls: async (calls: Parameters<typeof real.createCalls>[0]) => {
            if (later.length === 0)
              later = await seedFinishedAttempts(harness, ['declined'], {
                contactIds: ['10007'],
                campaignId: second,
                offsetMs: 3_600_000,
              });
            return real.createCalls(calls);
          },
        }),
      },
    };

    await expect(writebackPortal(deps, PORTAL_ID)).resolves.toMatchObject({ rows: 1, done: 1 });
    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 1, done: 1 });

    expect(h.fake.record.calls).toHaveLength(2);
    const writes = h.fake.record.propertyWrites.filter((w) => w.contactId === '10007');
    expect(writes.map((w) => w.properties[CONTACT_PROPERTY.lastCallDate])).toEqual([
      new Date(later[0]?.detail.startedAtMs ?? 0).toISOString(),
    ]);
  });
});

describe('rows HubSpot refuses', () => {
  it('keeps a call to a deleted contact as failed and lands the rest of its batch', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, ['declined', 'pledged', 'busy', 'voicemail', 'declined'], {
      contactIds: ['10001', '10002', '999999', '10004', '10005'],
    });

    const summary = await writebackPortal(h.deps, PORTAL_ID);

    expect(summary).toMatchObject({ rows: 5, done: 4, rejected: 1, pending: 0 });
    const rows = await outboxRows(h);
    const gone = rows.find((r) => r.attempt_id === seeded[2]?.attemptId);
    expect(gone).toMatchObject({ status: 'failed', call_done: false, attempts: 1 });
    expect(gone?.last_error).toMatch(/contact 999999 does not exist/);
    expect(callsPerAttempt(h.fake).size).toBe(4);
    expect(callsPerAttempt(h.fake).has(seeded[2]?.attemptId ?? '')).toBe(false);
  });

  it('isolates a contact whose campaign names a do-not-call property the portal lacks', async () => {
    h = await startWritebackHarness({ dncProperty: 'no_such_dnc_property' });
    const seeded = await seedFinishedAttempts(h, ['declined', 'opted_out', 'pledged', 'no_answer']);

    const summary = await writebackPortal(h.deps, PORTAL_ID);

    expect(summary).toMatchObject({ rows: 4, done: 3, rejected: 1 });
    const optedOut = (await outboxRows(h)).find((r) => r.attempt_id === seeded[1]?.attemptId);
    expect(optedOut).toMatchObject({ status: 'failed', call_done: true, contact_done: false });
    expect(optedOut?.last_error).toMatch(/no_such_dnc_property/);
    for (const s of [seeded[0], seeded[2], seeded[3]]) {
      expect(h.fake.contact(PORTAL_ID, s?.contactId ?? '')?.[CONTACT_PROPERTY.lastOutcome]).toBe(s?.outcome);
    }
  });
});

describe('app events', () => {
  it('sends one occurrence per call with a deterministic id, only where the portal has app events', async () => {
    h = await startWritebackHarness();
    const eventType = 'app_events_4410221_ai_fundraising_call';
    await h.db.pool.query('UPDATE portals SET app_events_event_type = $2 WHERE portal_id = $1', [
      PORTAL_ID,
      eventType,
    ]);
    const seeded = await seedFinishedAttempts(h, ['pledged', 'declined', 'busy']);

    await writebackPortal(h.deps, PORTAL_ID);
    await writebackPortal(h.deps, PORTAL_ID);

    expect(h.fake.record.appEvents.map((e) => e.id).sort()).toEqual(
      seeded.map((s) => appEventId(s.attemptId)).sort(),
    );
    expect(h.fake.record.appEvents.every((e) => !e.duplicate && e.eventTypeName === eventType)).toBe(true);
    const pledge = h.fake.record.appEvents.find((e) => e.id === `ai-call-${seeded[0]?.attemptId}`);
    expect(pledge).toMatchObject({
      objectId: seeded[0]?.contactId,
      properties: {
        outcome: 'pledged',
        outcome_label: 'Pledged',
        campaign: 'test campaign',
        pledge_amount: seeded[0]?.detail.pledgeAmount,
        conversation_url: `https://elevenlabs.io/app/conversational-ai/history/${seeded[0]?.detail.conversationId}`,
      },
    });
  });

  it('re-sends an occurrence whose answer was lost under the same id, so HubSpot keeps one', async () => {
    h = await startWritebackHarness();
    await h.db.pool.query("UPDATE portals SET app_events_event_type = 'ai_call' WHERE portal_id = $1", [
      PORTAL_ID,
    ]);
    const [only] = await seedFinishedAttempts(h, ['declined']);
    h.proxy.fail({
      method: 'POST',
      path: '/integrators/timeline/v4/events',
      mode: 'after',
      status: 502,
      times: 5,
    });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/still pending/);
    h.proxy.heal();
    await writebackPortal(h.deps, PORTAL_ID);

    const ids = new Set(h.fake.record.appEvents.map((e) => e.id));
    expect([...ids]).toEqual([appEventId(only?.attemptId ?? '')]);
    expect(h.fake.record.appEvents.filter((e) => !e.duplicate)).toHaveLength(1);
    expect(h.fake.record.calls).toHaveLength(1);
  });
});
