import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { engineDeps, ManualClock, queuedJobs } from '../../../test/helpers/engine.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { PLACE_CALL_QUEUE } from '../../src/campaigns/placement/placement-queue.js';
import type { ServiceDeps } from '../../src/core/deps.js';

const PORTAL = 501;
const OTHER_PORTAL = 502;
let db: TestDatabase;
let deps: ServiceDeps & { boss: PgBoss };
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await engineDeps(db, { clock, settings: { accountConcurrencyCap: 100, frequencyCapPer24h: 3 } });
  await insertPortal(db.pool, PORTAL);
  await insertPortal(db.pool, OTHER_PORTAL);
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  await db.pool.query('TRUNCATE campaigns, suppressions, caller_pacing CASCADE');
  await deps.boss.deleteAllJobs();
});
afterAll(async () => {
  await deps.boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

const withSettings = (s: Partial<ServiceDeps['settings']>): ServiceDeps => ({
  ...deps,
  settings: { ...deps.settings, ...s },
});
const phones = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ phone: usPhone(from + i) }));
const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);

describe('dispatcher', () => {
  it('never claims more than the campaign concurrency cap, and enqueues one placement job per claim', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 3 });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 10));
    expect((await dispatchTick(deps)).claimed).toBe(3);
    expect((await dispatchTick(deps)).claimed).toBe(0);
    const attempts = await db.pool.query<{ id: string; status: string }>(
      'SELECT id::text, status FROM call_attempts',
    );
    expect(attempts.rows.map((r) => r.status)).toEqual(['claimed', 'claimed', 'claimed']);
    const jobs = await queuedJobs(deps.boss, PLACE_CALL_QUEUE.name);
    expect(jobs.map((j) => j.attemptId).sort()).toEqual(attempts.rows.map((r) => r.id).sort());
    expect(await count(`SELECT count(*)::int AS n FROM campaign_contacts WHERE state = 'dialing'`)).toBe(3);
  });

  it('stops at the daily cap, counting dials since the start of the day', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 10, dailyCap: 4 });
    const [first] = await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(900), state: 'done' }]);
    await db.pool.query(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
          status, claimed_at, dial_started_at) VALUES ($1, $2, $3, 'x', $4, 'phnum_test', 'ended', $5, $5)`,
      [PORTAL, campaign, first, usPhone(900), new Date(TUESDAY_AFTERNOON_NY - 3_600_000)],
    );
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 10));
    expect((await dispatchTick(deps)).claimed).toBe(3);
    // A claim given back without dialling (at capacity, released) does not use up the day.
    await db.pool.query(`UPDATE call_attempts SET status = 'not_placed' WHERE status = 'claimed'`);
    expect((await dispatchTick(deps)).claimed).toBe(3);
    // A new day starts a new count.
    await db.pool.query(`UPDATE call_attempts SET status = 'ended' WHERE status = 'claimed'`);
    expect((await dispatchTick(deps)).claimed).toBe(0);
    clock.advance(24 * 3_600_000);
    expect((await dispatchTick(deps)).claimed).toBe(4);
  });

  it('shares the account-wide cap fairly across campaigns', async () => {
    const a = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 10 });
    const b = await insertCampaign(db.pool, { portalId: OTHER_PORTAL, concurrencyCap: 10 });
    await insertContacts(db.pool, PORTAL, a, phones(0, 20));
    await insertContacts(db.pool, OTHER_PORTAL, b, phones(100, 20));
    expect((await dispatchTick(withSettings({ accountConcurrencyCap: 4 }))).claimed).toBe(4);
    const perCampaign = await db.pool.query<{ campaign_id: string; n: number }>(
      'SELECT campaign_id::text, count(*)::int AS n FROM call_attempts GROUP BY 1',
    );
    expect(perCampaign.rows.map((r) => r.n)).toEqual([2, 2]);
    expect((await dispatchTick(withSettings({ accountConcurrencyCap: 4 }))).claimed).toBe(0);
  });

  it('does not claim a contact outside its calling window, and reschedules it to the next allowed time', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    // 15:00 in New York is 06:00 next day in Tokyo... and 12:00 in Los Angeles; Honolulu is at 10:00.
    await insertContacts(db.pool, PORTAL, campaign, [
      { phone: usPhone(1), zones: ['Asia/Tokyo'] },
      { phone: usPhone(2), zones: ['America/Los_Angeles'] },
    ]);
    expect((await dispatchTick(deps)).claimed).toBe(1);
    const tokyo = await db.pool.query<{ next_attempt_at: Date; wait_reason: string; state: string }>(
      `SELECT next_attempt_at, wait_reason, state FROM campaign_contacts WHERE phone_e164 = $1`,
      [usPhone(1)],
    );
    expect(tokyo.rows[0]).toEqual({
      next_attempt_at: new Date('2026-12-01T23:00:00Z'), // 08:00 on Wednesday in Tokyo
      wait_reason: 'outside_window',
      state: 'queued',
    });
  });

  it('skips a number on the portal do-not-call list at claim time', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(1) }, { phone: usPhone(2) }]);
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason) VALUES ($1, $2, 'opted_out')`,
      [PORTAL, usPhone(1)],
    );
    const result = await dispatchTick(deps);
    expect(result).toMatchObject({ claimed: 1, skipped: 1 });
    expect(
      await count(`SELECT count(*)::int AS n FROM call_attempts WHERE phone_e164 = $1`, [usPhone(1)]),
    ).toBe(0);
  });

  it('a suppression in another portal does not block the number here (tenant isolation)', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(1) }]);
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason) VALUES ($1, $2, 'opted_out')`,
      [OTHER_PORTAL, usPhone(1)],
    );
    expect((await dispatchTick(deps)).claimed).toBe(1);
  });

  it('never puts one person in two calls at once, across campaigns', async () => {
    const a = await insertCampaign(db.pool, { portalId: PORTAL });
    const b = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, a, [{ phone: usPhone(7) }]);
    await insertContacts(db.pool, PORTAL, b, [{ phone: usPhone(7) }]);
    const first = await dispatchTick(deps);
    expect(first.claimed).toBe(1);
    expect(first.rescheduled).toBe(1);
    expect((await dispatchTick(deps)).claimed).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM call_attempts WHERE phone_e164 = $1`, [usPhone(7)]),
    ).toBe(1);
  });

  it('holds a number that was dialled 3 times in the last 24 hours until the oldest dial is a day old', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    const [row] = await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(3) }]);
    for (const hoursAgo of [20, 10, 2]) {
      await db.pool.query(
        `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
            status, dial_started_at) VALUES ($1, $2, $3, 'x', $4, 'phnum_test', 'ended', $5)`,
        [PORTAL, campaign, row, usPhone(3), new Date(TUESDAY_AFTERNOON_NY - hoursAgo * 3_600_000)],
      );
    }
    expect((await dispatchTick(deps)).claimed).toBe(0);
    const waiting = await db.pool.query<{ next_attempt_at: Date; wait_reason: string }>(
      'SELECT next_attempt_at, wait_reason FROM campaign_contacts WHERE id = $1',
      [row],
    );
    expect(waiting.rows[0]).toEqual({
      next_attempt_at: new Date(TUESDAY_AFTERNOON_NY + 4 * 3_600_000),
      wait_reason: 'frequency_cap',
    });
  });

  it('paces claims per caller number so dials do not run ahead of the number’s rate', async () => {
    const campaign = await insertCampaign(db.pool, {
      portalId: PORTAL,
      concurrencyCap: 50,
      dialsPerSecond: 1,
    });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 20));
    expect((await dispatchTick(deps)).claimed).toBe(2);
    expect((await dispatchTick(deps)).claimed).toBe(0); // two claims still waiting for their dial
  });

  it('leaves paused campaigns alone and completes a campaign with nothing left to do', async () => {
    const paused = await insertCampaign(db.pool, { portalId: PORTAL, status: 'paused' });
    await insertContacts(db.pool, PORTAL, paused, phones(0, 3));
    const finished = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, finished, [{ phone: usPhone(50), state: 'done' }]);
    const result = await dispatchTick(deps);
    expect(result.claimed).toBe(0);
    expect(result.completedCampaigns).toEqual([finished]);
  });

  it('keeps a campaign open for workflow enrolments active while it has nothing to dial', async () => {
    const open = await insertCampaign(db.pool, { portalId: PORTAL });
    await db.pool.query('UPDATE campaigns SET open_for_enrolments = true WHERE id = $1', [open]);
    await insertContacts(db.pool, PORTAL, open, [{ phone: usPhone(51), state: 'done' }]);
    const result = await dispatchTick(deps);
    expect(result.completedCampaigns).not.toContain(open);
    const { rows } = await db.pool.query('SELECT status FROM campaigns WHERE id = $1', [open]);
    expect(rows).toEqual([{ status: 'active' }]);
  });

  it('two dispatchers ticking at once never claim past the cap', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 5 });
    await insertContacts(db.pool, PORTAL, campaign, phones(0, 30));
    const results = await Promise.all([dispatchTick(deps), dispatchTick(deps), dispatchTick(deps)]);
    expect(results.reduce((s, r) => s + r.claimed, 0)).toBe(5);
    expect(await count(`SELECT count(*)::int AS n FROM call_attempts`)).toBe(5);
  });
});
