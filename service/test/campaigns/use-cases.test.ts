import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { findCampaign } from '../../src/campaigns/campaign-model.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import {
  cancelCampaign,
  editCampaign,
  pauseCampaign,
  resumeCampaign,
  startCampaign,
} from '../../src/campaigns/use-cases/control-campaign.js';
import { createCampaign } from '../../src/campaigns/use-cases/create-campaign.js';
import { AppError } from '../../src/core/app-error.js';
import { type RunningService, startService } from '../../src/runtime.js';

let db: TestDatabase;
let service: RunningService;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let portalId: number;
let valid: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  portalId = demo.portalId;
  valid = {
    name: 'Spring appeal',
    listId: demo.lists.find((l) => l.size === 20)!.listId,
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
    concurrencyCap: 3,
  };
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const campaigns = async () =>
  Number((await db.pool.query('SELECT count(*)::int AS n FROM campaigns')).rows[0].n);

async function rejection(body: Record<string, unknown>): Promise<unknown> {
  return createCampaign(service.engine, portalId, body).then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('creating a campaign', () => {
  it('rejects a malformed window with a message naming the field, and writes nothing', async () => {
    const error = await rejection({ ...valid, window: { days: [1], start: '21:00', end: '09:00' } });
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues[0]?.path).toEqual(['window', 'end']);
    expect(await campaigns()).toBe(0);
  });

  it('rejects an unknown list, caller number or agent as a 400 naming the field, and writes nothing', async () => {
    for (const [field, value] of [
      ['listId', '999999'],
      ['phoneNumberId', 'phnum_nope'],
      ['agentId', 'agent_nope'],
    ] as const) {
      const error = await rejection({ ...valid, [field]: value });
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 400, field });
    }
    expect(await campaigns()).toBe(0);
  });

  it('imports the list right away and becomes ready with progress shown', async () => {
    const created = await createCampaign(service.engine, portalId, valid);
    expect(created).toMatchObject({ status: 'importing', requireConsent: true, phoneProvider: 'twilio' });
    await waitUntil(async () => (await findCampaign(db.pool, portalId, created.id))?.status === 'ready', {
      timeoutMs: 15_000,
      what: 'the import to finish',
    });
    const ready = await findCampaign(db.pool, portalId, created.id);
    expect(ready).toMatchObject({ importDone: 20, importTotal: 20 });
  });

  it("starts at the engine's now, not the database's, unless told otherwise", async () => {
    // The engine's clock is not Postgres' (a shifted or accelerated sandbox clock): a campaign stamped with the
    // database's now() would wait for that instant, or start before the engine's.
    clock.set(Date.parse('2027-03-16T15:00:00Z'));
    try {
      const created = await createCampaign(service.engine, portalId, valid);
      expect(created.startsAt.toISOString()).toBe('2027-03-16T15:00:00.000Z');
      const later = await createCampaign(service.engine, portalId, {
        ...valid,
        startsAt: '2027-04-01T12:00:00Z',
      });
      expect(later.startsAt.toISOString()).toBe('2027-04-01T12:00:00.000Z');
    } finally {
      clock.set(TUESDAY_AFTERNOON_NY);
    }
  });
});

describe('controlling a campaign', () => {
  let id: string;
  beforeAll(async () => {
    id = (await createCampaign(service.engine, portalId, valid)).id;
    await waitUntil(async () => (await findCampaign(db.pool, portalId, id))?.status === 'ready', {
      timeoutMs: 15_000,
    });
  });

  it('launching queues every imported contact at its first allowed time, inside its window', async () => {
    const started = await startCampaign(service.engine, portalId, id);
    expect(started.status).toBe('active');
    const rows = await db.pool.query<{ state: string; next_attempt_at: Date; time_zones: string[] }>(
      `SELECT state, next_attempt_at, time_zones FROM campaign_contacts WHERE campaign_id = $1 AND state <> 'skipped'`,
      [id],
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows) {
      expect(row.state).toBe('queued');
      expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(TUESDAY_AFTERNOON_NY);
    }
  });

  it('refuses a transition the status does not allow, with a 409 naming the status', async () => {
    await expect(resumeCampaign(service.engine, portalId, id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('campaign is active'),
    });
  });

  it('pauses and resumes', async () => {
    expect((await pauseCampaign(service.engine, portalId, id)).status).toBe('paused');
    expect((await resumeCampaign(service.engine, portalId, id)).status).toBe('active');
  });

  it('edits the window live: a narrower window holds at the next dispatch, a wider one lets waiting contacts in at once', async () => {
    const newYork = async () =>
      (
        await db.pool.query<{ next_attempt_at: Date; wait_reason: string | null; state: string }>(
          `SELECT next_attempt_at, wait_reason, state FROM campaign_contacts
            WHERE campaign_id = $1 AND time_zones = '{America/New_York}' AND state <> 'skipped'`,
          [id],
        )
      ).rows;
    // It is 15:00 in New York; a window opening at 16:00 must keep New York contacts waiting.
    await editCampaign(service.engine, portalId, id, { window: { days: [2], start: '16:00', end: '20:00' } });
    for (let i = 0; i < 8; i++) await dispatchTick(service.engine);
    const claimedInNewYork = await db.pool.query(
      `SELECT count(*)::int AS n FROM call_attempts a JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id
        WHERE a.campaign_id = $1 AND cc.time_zones = '{America/New_York}'`,
      [id],
    );
    expect(claimedInNewYork.rows[0].n).toBe(0);
    const waiting = (await newYork()).filter((r) => r.wait_reason === 'outside_window');
    expect(waiting.length).toBeGreaterThan(0);
    for (const r of waiting) expect(r.next_attempt_at).toEqual(new Date('2026-12-01T21:00:00Z'));
    const edited = await editCampaign(service.engine, portalId, id, {
      window: { days: [2], start: '09:00', end: '20:00' },
      concurrencyCap: 7,
    });
    expect(edited.concurrencyCap).toBe(7);
    for (const r of await newYork()) expect(r.next_attempt_at).toEqual(new Date(TUESDAY_AFTERNOON_NY));
  });

  it('cancels, and a cancelled campaign cannot be edited', async () => {
    expect((await cancelCampaign(service.engine, portalId, id)).status).toBe('cancelled');
    await expect(editCampaign(service.engine, portalId, id, { concurrencyCap: 2 })).rejects.toMatchObject({
      status: 409,
    });
  });

  it('another portal cannot see or change the campaign', async () => {
    await expect(pauseCampaign(service.engine, portalId + 1, id)).rejects.toMatchObject({ status: 404 });
    expect(await findCampaign(db.pool, portalId + 1, id)).toBeNull();
  });
});
