import type { CallOutcome } from '@fundraising/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../test/helpers/wait.js';
import { registerWorkers } from '../../src/jobs/boss.js';
import {
  CALL_ATTEMPT_ID_PROPERTY,
  CALL_SEARCH_SETTLE_MS,
  WRITEBACK_DEAD_QUEUE,
  WRITEBACK_QUEUE,
  WRITEBACK_SWEEP_QUEUE,
  WritebackIncompleteError,
  writebackPortal,
  writebackWorkers,
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
const CALLS_SEARCH = '/crm/v3/objects/calls/search';

const TEN_SECONDLY_429 = {
  status: 'error',
  message: 'You have reached your ten_secondly_rolling limit.',
  errorType: 'RATE_LIMIT',
  correlationId: 'c0ffee00-1111-2222-3333-444455556666',
  policyName: 'TEN_SECONDLY_ROLLING',
  groupName: 'publicapi',
};

const MIX: readonly CallOutcome[] = ['pledged', 'declined', 'voicemail', 'opted_out'];
const outcomes = (n: number): CallOutcome[] =>
  Array.from({ length: n }, (_, i) => MIX[i % MIX.length] ?? 'declined');

const expectEachCallOnce = (h: WritebackHarness, attempts: readonly { attemptId: string }[]) => {
  const perAttempt = callsPerAttempt(h.fake);
  expect([...perAttempt.keys()].sort()).toEqual(attempts.map((a) => a.attemptId).sort());
  expect([...perAttempt.values()].every((n) => n === 1)).toBe(true);
};

describe('HubSpot rate limits and server errors', () => {
  it("retries 429s (HubSpot's rolling limit and Retry-After) and 5xx, and everything lands once", async () => {
    h = await startWritebackHarness({ rateLimit: { max: 4, windowMs: 100 } });
    const seeded = await seedFinishedAttempts(h, outcomes(150));
    h.proxy.fail({
      method: 'POST',
      path: CALLS_CREATE,
      mode: 'before',
      status: 429,
      headers: { 'retry-after': '0' },
      body: TEN_SECONDLY_429,
    });
    // HubSpot's rolling limit as it answers it: no Retry-After. Injected, so it happens however fast the machine
    // is (the fake's own 4-per-100 ms limit may or may not be reached on a busy one).
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'before', status: 429, body: TEN_SECONDLY_429 });
    h.proxy.fail({ method: 'POST', path: CONTACTS_UPDATE, mode: 'before', status: 503, times: 2 });
    h.proxy.fail({ method: 'POST', path: '/crm/v3/properties/contacts', mode: 'before', status: 500 });

    const summary = await writebackPortal(h.deps, PORTAL_ID);

    expect(summary).toMatchObject({ rows: 150, done: 150, pending: 0 });
    expect(
      h.proxy.seen.filter((r) => r.path === CALLS_CREATE && r.status === 429).length,
    ).toBeGreaterThanOrEqual(2);
    expect(h.proxy.seen.filter((r) => r.status === 503 || r.status === 500 || r.status === 429).length).toBe(
      5 + h.fake.record.rateLimited.length,
    );
    expectEachCallOnce(h, seeded);
    expect(h.fake.record.propertyWrites).toHaveLength(150);
    for (const s of seeded) {
      expect(h.fake.contact(PORTAL_ID, s.contactId)?.ai_last_call_outcome).toBe(s.outcome);
    }
  });
});

describe('a Calls create whose answer is lost', () => {
  it('finds the calls HubSpot created before the answer was lost, instead of creating them again', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, outcomes(120));
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'after', status: 502 });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toBeInstanceOf(WritebackIncompleteError);
    // HubSpot created the first page; the run stopped there, since HubSpot was failing.
    expect(h.fake.record.calls).toHaveLength(100);
    const inDoubt = (await outboxRows(h)).filter((r) => r.call_unknown_at !== null && !r.call_done);
    expect(inDoubt).toHaveLength(100);

    // Too early to trust HubSpot's search index: the doubtful calls wait, the next page is written.
    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/search index/);
    expect(h.proxy.seen.filter((r) => r.path === CALLS_SEARCH)).toHaveLength(0);
    expect(h.fake.record.calls).toHaveLength(120);

    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 100, done: 100 });

    // The fake HubSpot answered the search itself, from the calls it holds.
    expect(h.requests('POST', CALLS_SEARCH)).toBe(1);
    expect(h.requests('POST', CALLS_CREATE)).toBe(2);
    expectEachCallOnce(h, seeded);
    const rows = await outboxRows(h);
    const callIdOf = new Map(h.fake.record.calls.map((c) => [c.objectWriteTraceId, c.id]));
    expect(rows.every((r) => r.status === 'done' && r.hubspot_call_id === callIdOf.get(r.attempt_id))).toBe(
      true,
    );
  });

  it('finds the calls after a connection dropped mid-answer', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, outcomes(7));
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'drop-after' });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/still pending/);
    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    await writebackPortal(h.deps, PORTAL_ID);

    expect(h.requests('POST', CALLS_CREATE)).toBe(1);
    expectEachCallOnce(h, seeded);
  });

  it("finds the calls once HubSpot's lagging search index shows them, where an early search would miss them", async () => {
    h = await startWritebackHarness({ searchLagMs: CALL_SEARCH_SETTLE_MS / 2 });
    const seeded = await seedFinishedAttempts(h, outcomes(7));
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'after', status: 502 });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/still pending/);
    expect(h.fake.record.calls).toHaveLength(7);
    const attemptIds = seeded.map((s) => s.attemptId);
    const lookUp = () =>
      h?.hubspot.forPortal(PORTAL_ID).findCallsByProperty(CALL_ATTEMPT_ID_PROPERTY, attemptIds);
    await expect(lookUp()).resolves.toEqual([]);

    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    await expect(lookUp()).resolves.toHaveLength(7);
    await expect(writebackPortal(h.deps, PORTAL_ID)).resolves.toMatchObject({ rows: 7, done: 7 });
    expect(h.requests('POST', CALLS_CREATE)).toBe(1);
    expectEachCallOnce(h, seeded);
  });

  it('creates the calls once when the check shows HubSpot never got them', async () => {
    h = await startWritebackHarness();
    const seeded = await seedFinishedAttempts(h, outcomes(7));
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'before', status: 503 });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/still pending/);
    expect(h.fake.record.calls).toHaveLength(0);
    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    await writebackPortal(h.deps, PORTAL_ID);

    expect(h.proxy.seen.filter((r) => r.path === CALLS_SEARCH)).toHaveLength(1);
    expectEachCallOnce(h, seeded);
  });

  it('leaves the calls in doubt when HubSpot cannot be searched, rather than risk a second copy', async () => {
    h = await startWritebackHarness();
    await seedFinishedAttempts(h, outcomes(3));
    h.proxy.fail({ method: 'POST', path: CALLS_CREATE, mode: 'after', status: 504 });
    h.proxy.fail({ method: 'POST', path: CALLS_SEARCH, mode: 'before', status: 400, times: Infinity });

    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/still pending/);
    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    await expect(writebackPortal(h.deps, PORTAL_ID)).rejects.toThrow(/cannot check whether HubSpot created/);

    expect(h.requests('POST', CALLS_CREATE)).toBe(1);
    expect(h.fake.record.calls).toHaveLength(3);
    const rows = await outboxRows(h);
    expect(rows.every((r) => r.status === 'pending' && !r.call_done && r.call_unknown_at !== null)).toBe(
      true,
    );
    expect(rows.every((r) => r.contact_done)).toBe(true);
  });
});

describe('a write-back that keeps failing', () => {
  it('stays pending with the error, dead-letters the job, and lands once after a redrive', async () => {
    // The production queue's retries take about 25 minutes; here they are immediate and few.
    const { retryDelayMax: _max, ...productionOptions } = WRITEBACK_QUEUE.options;
    const quickRetries = {
      ...WRITEBACK_QUEUE,
      options: { ...productionOptions, retryLimit: 1, retryDelay: 0, retryBackoff: false },
    };
    h = await startWritebackHarness({ queues: [WRITEBACK_DEAD_QUEUE, quickRetries, WRITEBACK_SWEEP_QUEUE] });
    const harness = h;
    await registerWorkers(h.boss, writebackWorkers(h.deps));
    h.proxy.fail({ method: 'POST', path: '/crm/v3/objects/*', mode: 'before', status: 503, times: Infinity });
    const seeded = await seedFinishedAttempts(h, outcomes(5), { enqueue: false });
    expect(await enqueueAll(h, seeded, 0)).toBe(5);

    const deadJobs = () => harness.boss.findJobs(WRITEBACK_DEAD_QUEUE.name);
    await waitUntil(async () => (await deadJobs()).length === 1, {
      timeoutMs: 20_000,
      what: 'the dead letter',
    });
    expect((await deadJobs())[0]?.data).toEqual({ portalId: PORTAL_ID });
    const stuck = await outboxRows(h);
    expect(stuck.every((r) => r.status === 'pending' && r.attempts >= 1)).toBe(true);
    expect(stuck.every((r) => /HubSpot 503/.test(r.last_error ?? ''))).toBe(true);
    expect(h.fake.record.calls).toHaveLength(0);

    h.proxy.heal();
    h.clock.advance(CALL_SEARCH_SETTLE_MS);
    expect(await h.boss.redrive(WRITEBACK_DEAD_QUEUE.name)).toBe(1);
    await waitUntil(async () => (await outboxRows(harness)).every((r) => r.status === 'done'), {
      timeoutMs: 20_000,
      what: 'the redriven write-back',
    });

    expectEachCallOnce(h, seeded);
    expect((await outboxRows(h)).every((r) => r.last_error === null)).toBe(true);
    for (const s of seeded) {
      expect(h.fake.contact(PORTAL_ID, s.contactId)?.ai_last_call_outcome).toBe(s.outcome);
    }
  });
});
