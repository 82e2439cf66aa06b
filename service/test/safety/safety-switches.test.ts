import type { AddressInfo } from 'node:net';
import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { engineDeps, ManualClock } from '../../../test/helpers/engine.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { resumeCampaign } from '../../src/campaigns/index.js';
import { prefetchDialChecks } from '../../src/campaigns/placement/dial-check-prefetch.js';
import { placeCall } from '../../src/campaigns/placement/place-call.js';
import type { ServiceDeps } from '../../src/core/deps.js';
import type { DialResult, ElevenLabsApi, OutboundCallRequest } from '../../src/elevenlabs/index.js';
import { createHttpApp } from '../../src/http/app.js';
import type { HubSpotPortalClient } from '../../src/hubspot/index.js';
import {
  applyDiallingAtStartup,
  diallingReadiness,
  diallingState,
  guardedSafetyOpsRoutes,
  setDialling,
} from '../../src/safety/index.js';

const PORTAL = 701;
let db: TestDatabase;
let deps: ServiceDeps & { boss: PgBoss };
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);

/** ElevenLabs answering each dial from a script (by the dial's number), placed by default. */
class ScriptedElevenLabs implements Partial<ElevenLabsApi> {
  dials: OutboundCallRequest[] = [];
  answerFor: (toNumber: string) => DialResult = () => placedAnswer(this.dials.length);
  async placeOutboundCall(req: OutboundCallRequest): Promise<DialResult> {
    this.dials.push(req);
    return this.answerFor(req.toNumber);
  }
}
const placedAnswer = (n: number): DialResult => ({
  kind: 'placed',
  conversationId: `conv_${n}`,
  callSid: `CA${n}`,
  sipCallId: null,
});
const elevenlabs = new ScriptedElevenLabs();
const hubspot = {
  forPortal: () =>
    ({
      batchReadContacts: async (ids: string[]) => ({
        contacts: ids.map((id) => ({ id, properties: {} })),
        missingIds: [],
      }),
    }) as unknown as HubSpotPortalClient,
};

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await engineDeps(db, {
    clock,
    elevenlabs: elevenlabs as unknown as ElevenLabsApi,
    hubspot,
    settings: { accountConcurrencyCap: 100, dialCheckMaxAgeMs: 0 },
  });
  await insertPortal(db.pool, PORTAL);
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  elevenlabs.dials = [];
  elevenlabs.answerFor = () => placedAnswer(elevenlabs.dials.length);
  await setDialling(deps, { stopped: false, by: 'test' });
  await db.pool.query('TRUNCATE campaigns, suppressions, caller_pacing CASCADE');
  await deps.boss.deleteAllJobs();
});
afterAll(async () => {
  await deps.boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

const phones = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ phone: usPhone(from + i), contactId: String(5000 + from + i) }));
const claimedIds = async () =>
  (
    await db.pool.query<{ id: string }>(
      `SELECT id::text FROM call_attempts WHERE status = 'claimed' ORDER BY id`,
    )
  ).rows.map((r) => r.id);
const campaignRow = async (id: string) =>
  (
    await db.pool.query<{ status: string; status_reason: string | null }>(
      'SELECT status, status_reason FROM campaigns WHERE id = $1',
      [id],
    )
  ).rows[0];

/** Dispatch and place until nothing is left to claim (or the campaign stops being dispatched). */
async function runCampaign(): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const { claimed } = await dispatchTick(deps);
    const ids = await claimedIds();
    if (claimed === 0 && ids.length === 0) return;
    for (const attemptId of ids) await placeCall(deps, { attemptId, portalId: PORTAL });
    // Placed calls end, freeing their slots for the next tick.
    await db.pool.query(
      `UPDATE call_attempts SET status = 'ended', ended_at = now() WHERE status = 'placed'`,
    );
    clock.advance(1_000);
  }
}

describe('the stop-all-dialling switch', () => {
  it('makes the dispatcher claim nothing while it is on, and claim again once it is off', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 3 });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 5));
    await setDialling(deps, { stopped: true, reason: 'incident 42', by: 'ops:alice' });
    expect((await dispatchTick(deps)).claimed).toBe(0);
    expect((await db.pool.query('SELECT 1 FROM call_attempts')).rowCount).toBe(0);
    await setDialling(deps, { stopped: false, by: 'ops:alice' });
    expect((await dispatchTick(deps)).claimed).toBe(3);
  });

  it('makes placement release an attempt claimed before the stop, undialled, for a later retry', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 1));
    expect((await dispatchTick(deps)).claimed).toBe(1);
    const [attemptId] = await claimedIds();
    await setDialling(deps, { stopped: true, reason: 'incident 42', by: 'ops' });
    await placeCall(deps, { attemptId: attemptId ?? '', portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    const attempt = await db.pool.query('SELECT status, not_placed_reason FROM call_attempts');
    expect(attempt.rows).toEqual([{ status: 'not_placed', not_placed_reason: 'dialling_stopped' }]);
    const contact = await db.pool.query('SELECT state, attempts, wait_reason FROM campaign_contacts');
    expect(contact.rows).toEqual([{ state: 'queued', attempts: 0, wait_reason: 'dialling_stopped' }]);
    // Once dialling resumes the contact is first in line.
    await setDialling(deps, { stopped: false, by: 'ops' });
    await runCampaign();
    expect(elevenlabs.dials).toHaveLength(1);
  });

  it('is set by DIALLING_STOPPED at start-up, which lifts only its own stop, never an operator’s', async () => {
    expect(await applyDiallingAtStartup(deps, true)).toMatchObject({
      stopped: true,
      changedBy: 'env:DIALLING_STOPPED',
      reason: 'DIALLING_STOPPED=true at start-up',
    });
    expect(await applyDiallingAtStartup(deps, false)).toMatchObject({ stopped: false });
    await setDialling(deps, { stopped: true, reason: 'bad agent prompt', by: 'ops:bob' });
    expect(await applyDiallingAtStartup(deps, false)).toMatchObject({
      stopped: true,
      changedBy: 'ops:bob',
      reason: 'bad agent prompt',
    });
  });

  it('holds the pre-dial HubSpot reads too: no dial would use them', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 5));
    const prefetching = { ...deps, settings: { ...deps.settings, dialCheckMaxAgeMs: 600_000 } };
    await setDialling(deps, { stopped: true, by: 'ops' });
    expect(await prefetchDialChecks(prefetching)).toEqual({ requests: 0, stored: 0 });
    await setDialling(deps, { stopped: false, by: 'ops' });
    expect(await prefetchDialChecks(prefetching)).toEqual({ requests: 1, stored: 5 });
  });

  it('shows in the readiness details with who, when and why', async () => {
    expect(await diallingReadiness(db.pool)).toEqual({ dialling: 'running' });
    await setDialling(deps, { stopped: true, reason: 'incident 42', by: 'ops:alice' });
    expect(await diallingReadiness(db.pool)).toEqual({
      dialling: 'stopped',
      diallingStopped: {
        by: 'ops:alice',
        since: new Date(TUESDAY_AFTERNOON_NY).toISOString(),
        reason: 'incident 42',
      },
    });
  });
});

describe('the ops routes', () => {
  async function serve(guard?: Parameters<typeof guardedSafetyOpsRoutes>[1]) {
    const app = createHttpApp({
      logger: silentLogger,
      readiness: [],
      routers: [guardedSafetyOpsRoutes({ deps }, guard)],
    });
    const server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, close: () => new Promise((r) => server.close(r)) };
  }

  it('answer 404 until an ops login is put in front of them', async () => {
    const { base, close } = await serve();
    try {
      expect((await fetch(`${base}/ops/dialling`)).status).toBe(404);
      const put = await fetch(`${base}/ops/dialling`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stopped: true }),
      });
      expect(put.status).toBe(404);
      expect((await diallingState(db.pool)).stopped).toBe(false);
    } finally {
      await close();
    }
  });

  it('stop and resume dialling behind the login, recording the ops user, and name a bad field', async () => {
    const { base, close } = await serve((_req, res, next) => {
      res.locals.opsUser = 'alice';
      next();
    });
    const put = (body: unknown) =>
      fetch(`${base}/ops/dialling`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      const stopped = await put({ stopped: true, reason: 'incident 42' });
      expect(stopped.status).toBe(200);
      expect(await stopped.json()).toEqual({
        stopped: true,
        reason: 'incident 42',
        changedBy: 'ops:alice',
        changedAt: new Date(TUESDAY_AFTERNOON_NY).toISOString(),
      });
      expect(await (await fetch(`${base}/ops/dialling`)).json()).toMatchObject({ stopped: true });
      const bad = await put({ stopped: 'yes' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { field: 'stopped' } });
      const extra = await put({ stopped: false, force: true });
      expect(await extra.json()).toMatchObject({ error: { field: 'force' } });
      const resumed = await put({ stopped: false });
      expect(await resumed.json()).toMatchObject({ stopped: false, reason: null, changedBy: 'ops:alice' });
    } finally {
      await close();
    }
  });

  it('refuse a reason with a NUL, a body that is not UTF-8 and a charset nobody reads, changing nothing', async () => {
    // Found by the fuzz suite (test/fuzz): a NUL in a stop's reason failed the write (500), a 0xFF in it was
    // stored as U+FFFD (200: dialling stopped with a reason nobody wrote), and charset=latin1 was a 500.
    const { base, close } = await serve((_req, res, next) => {
      res.locals.opsUser = 'alice';
      next();
    });
    const put = (body: Buffer, type = 'application/json') =>
      fetch(`${base}/ops/dialling`, {
        method: 'PUT',
        headers: { 'content-type': type },
        body: new Uint8Array(body),
      });
    try {
      const before = await diallingState(db.pool);
      const nul = await put(Buffer.from('{"stopped":true,"reason":"incident\\u0000"}'));
      expect({ status: nul.status, body: await nul.json() }).toMatchObject({
        status: 400,
        body: { error: { field: 'reason' } },
      });
      const notUtf8 = Buffer.concat([
        Buffer.from('{"stopped":true,"reason":"inc'),
        Buffer.from([0xff, 0x22, 0x7d]),
      ]);
      const mangled = await put(notUtf8);
      expect({ status: mangled.status, body: await mangled.json() }).toMatchObject({
        status: 400,
        body: { error: { field: 'body', message: 'body: not valid UTF-8' } },
      });
      // JSON is UTF-8 whatever the header says: ASCII bytes read the same.
      const latin1 = await put(Buffer.from('{"stopped":"no"}'), 'application/json; charset=latin1');
      expect({ status: latin1.status, body: await latin1.json() }).toMatchObject({
        status: 400,
        body: { error: { field: 'stopped' } },
      });
      expect(await diallingState(db.pool)).toEqual(before);
    } finally {
      await close();
    }
  });
});

describe('the safety breaker', () => {
  it('pauses a campaign when 60% of its dials are refused, with the reason, as the service', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 5 });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 40));
    // Three of every five numbers refused (402: the balance is exhausted).
    elevenlabs.answerFor = (to) =>
      Number(to.slice(-1)) % 5 < 3
        ? { kind: 'rejected', status: 402, code: 'quota_exceeded', message: 'Your balance is exhausted.' }
        : placedAnswer(elevenlabs.dials.length);
    await runCampaign();
    const row = await campaignRow(campaign);
    expect(row?.status).toBe('paused');
    expect(row?.status_reason).toMatch(
      /^paused by the safety breaker: \d+ of \d+ recent dials were rejected by ElevenLabs \(last: 402 Your balance is exhausted\.\)$/,
    );
    // It stopped early: not the whole list was dialled.
    expect(elevenlabs.dials.length).toBeLessThan(25);
    const changes = await db.pool.query(
      `SELECT user_id, action, detail->>'reason' AS reason FROM campaign_changes WHERE campaign_id = $1`,
      [campaign],
    );
    expect(changes.rows).toEqual([{ user_id: null, action: 'paused', reason: row?.status_reason }]);
  });

  it('leaves a campaign with 5% of its dials refused running to the end', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 5 });
    await insertContacts(db.pool, PORTAL, campaign, phones(100, 40));
    elevenlabs.answerFor = (to) =>
      to.endsWith('05') || to.endsWith('25')
        ? { kind: 'rejected', status: 404, code: 'phone_number_not_found', message: 'Phone number not found' }
        : placedAnswer(elevenlabs.dials.length);
    await runCampaign();
    expect(elevenlabs.dials).toHaveLength(40);
    expect((await campaignRow(campaign))?.status).not.toBe('paused');
  });

  it('pauses at once on a 401 (the API key is account-wide)', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 1 });
    await insertContacts(db.pool, PORTAL, campaign, phones(200, 12));
    elevenlabs.answerFor = () => ({
      kind: 'rejected',
      status: 401,
      code: 'invalid_api_key',
      message: 'Invalid API key',
    });
    await runCampaign();
    expect(elevenlabs.dials).toHaveLength(1);
    expect(await campaignRow(campaign)).toEqual({
      status: 'paused',
      status_reason:
        'paused by the safety breaker: ElevenLabs refused a dial with 401 unauthorized (Invalid API key); check the API key',
    });
  });

  it('gives a campaign a person resumed a clean slate: refusals before the resume no longer count', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 1 });
    await insertContacts(db.pool, PORTAL, campaign, phones(300, 20));
    elevenlabs.answerFor = () => ({ kind: 'rejected', status: 400, code: 'x', message: 'bad caller number' });
    await runCampaign();
    expect(elevenlabs.dials).toHaveLength(10);
    expect((await campaignRow(campaign))?.status).toBe('paused');

    // The number is fixed and a person resumes; one more refusal is no pattern on its own.
    elevenlabs.answerFor = () =>
      elevenlabs.dials.length === 11
        ? { kind: 'rejected', status: 400, code: 'x', message: 'bad caller number' }
        : placedAnswer(elevenlabs.dials.length);
    clock.advance(60_000);
    await resumeCampaign(deps, PORTAL, campaign, { userId: 7001 });
    await runCampaign();
    expect(elevenlabs.dials).toHaveLength(20);
    expect((await campaignRow(campaign))?.status).not.toBe('paused');
  });
});
