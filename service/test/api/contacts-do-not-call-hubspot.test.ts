import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import {
  CONTACT_QUEUES,
  changeDoNotCall,
  DNC_SYNC_QUEUE,
  type DoNotCallSyncJob,
  syncContactDoNotCall,
} from '../../src/contacts/index.js';
import { AppError } from '../../src/core/app-error.js';
import { DEFAULT_ENGINE_SETTINGS, type ServiceDeps } from '../../src/core/deps.js';
import type { ElevenLabsApi } from '../../src/elevenlabs/index.js';
import { HubSpotApiError, type HubSpotPortalClient } from '../../src/hubspot/index.js';
import { startBoss } from '../../src/jobs/boss.js';

/**
 * Do-not-call when HubSpot misbehaves: the use case and the contact-dnc-sync job over a real database, with a
 * scripted HubSpot (down, refusing, slow) in place of the fake. A HubSpot failure never loses the decision: the
 * list changes at once and the property write waits in its job.
 */

const PORTAL = 801;
const USER = { userId: 42 };
let db: TestDatabase;
let boss: PgBoss;
let deps: ServiceDeps;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);

type Mode = 'up' | 'down' | 'refuses' | 'rejects';
/** A HubSpot portal whose contacts all have the number +1 202 555 0111, unless it is down or refusing. */
class ScriptedHubSpot {
  mode: Mode = 'up';
  updates: { id: string; properties: Readonly<Record<string, string>> }[][] = [];
  setups = 0;
  duringUpdate: (() => Promise<void>) | null = null;
  readonly client = {
    portalId: PORTAL,
    batchReadContacts: async (ids: readonly string[]) => {
      if (this.mode === 'down')
        throw new HubSpotApiError({
          status: 0,
          category: 'TIMEOUT',
          message: 'no answer',
          method: 'POST',
          path: '/batch/read',
        });
      const known = ids.filter((id) => !id.startsWith('9'));
      return {
        contacts: known.map((id) => ({ id, properties: { phone: '(202) 555-0111', mobilephone: null } })),
        missingIds: ids.filter((id) => id.startsWith('9')),
      };
    },
    batchUpdateContacts: async (
      inputs: readonly { id: string; properties: Readonly<Record<string, string>> }[],
    ) => {
      this.updates.push([...inputs]);
      await this.duringUpdate?.();
      if (this.mode === 'down')
        throw new HubSpotApiError({
          status: 502,
          category: 'HTTP_502',
          message: 'Bad gateway',
          method: 'POST',
          path: '/batch/update',
        });
      if (this.mode === 'rejects')
        throw new HubSpotApiError({
          status: 400,
          category: 'VALIDATION_ERROR',
          message: 'Property "fundraising_do_not_call" does not exist',
          method: 'POST',
          path: '/batch/update',
        });
      if (this.mode === 'refuses')
        return {
          updated: [],
          errors: inputs.map((i) => ({ id: i.id, message: `Object ${i.id} not found` })),
        };
      return { updated: inputs.map((i) => i.id), errors: [] };
    },
    ensureContactProperties: async () => {
      this.setups += 1;
      return { groupCreated: false, created: [] };
    },
    ensureCallProperties: async () => ({ groupCreated: false, created: [] }),
  };
}
let hubspot: ScriptedHubSpot;

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await startBoss({
    connectionString: db.url,
    logger: silentLogger,
    queues: CONTACT_QUEUES,
    supervise: false,
  });
  await insertPortal(db.pool, PORTAL);
});
afterEach(async () => {
  await db.pool.query(
    'TRUNCATE campaigns, suppressions, contact_do_not_call, contact_do_not_call_changes CASCADE',
  );
  await db.pool.query('UPDATE portals SET crm_setup_at = NULL');
  await boss.deleteAllJobs();
});
afterAll(async () => {
  await boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

function freshDeps(): ServiceDeps {
  hubspot = new ScriptedHubSpot();
  deps = {
    pool: db.pool,
    boss,
    elevenlabs: {} as ElevenLabsApi,
    hubspot: { forPortal: () => hubspot.client as unknown as HubSpotPortalClient },
    logger: silentLogger,
    clock,
    settings: DEFAULT_ENGINE_SETTINGS,
  };
  return deps;
}

const setDnc = (contactId: string, doNotCall = true) =>
  changeDoNotCall(deps, PORTAL, contactId, { doNotCall, reason: null, overrideOptOut: false }, USER);
const row = async (contactId: string) =>
  (
    await db.pool.query(
      'SELECT do_not_call, version, sync_status, synced_version, sync_attempts, last_error FROM contact_do_not_call WHERE contact_id = $1',
      [contactId],
    )
  ).rows[0];
/** Rows of every table the use case writes. */
const counts = async () =>
  (
    await db.pool.query(`SELECT (SELECT count(*) FROM suppressions)::int AS suppressions,
            (SELECT count(*) FROM contact_do_not_call)::int AS decisions,
            (SELECT count(*) FROM contact_do_not_call_changes)::int AS changes`)
  ).rows[0];
const jobs = async () =>
  (await boss.findJobs<DoNotCallSyncJob>(DNC_SYNC_QUEUE.name, { queued: true })).map((j) => j.data);

describe('do-not-call while HubSpot is down', () => {
  it('still blocks a contact our campaigns hold, by their numbers, and the HubSpot write waits in its job until HubSpot is back', async () => {
    freshDeps();
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, campaign, [{ contactId: '5001', phone: '+12025550199' }]);
    hubspot.mode = 'down';
    const status = await setDnc('5001');
    expect(status.active).toBe(true);
    const listed = await db.pool.query('SELECT phone_e164 FROM suppressions WHERE portal_id = $1', [PORTAL]);
    expect(listed.rows).toEqual([{ phone_e164: '+12025550199' }]);
    expect(await jobs()).toEqual([{ portalId: PORTAL, contactId: '5001' }]);

    await expect(syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5001' })).rejects.toThrow(
      'Bad gateway',
    );
    expect(await row('5001')).toMatchObject({
      sync_status: 'pending',
      sync_attempts: 1,
      last_error: 'Bad gateway',
    });

    hubspot.mode = 'up';
    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5001' })).toBe('written');
    expect(await row('5001')).toMatchObject({ sync_status: 'done', synced_version: 1, last_error: null });
    expect(hubspot.updates.at(-1)).toEqual([{ id: '5001', properties: { fundraising_do_not_call: 'true' } }]);
  });

  it('answers 503 for a contact we know nothing of, and writes nothing', async () => {
    freshDeps();
    hubspot.mode = 'down';
    const before = await counts();
    const failure = await setDnc('5002').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ status: 503, code: 'hubspot_unavailable' });
    expect(await counts()).toEqual(before);
    expect(before).toEqual({ suppressions: 0, decisions: 0, changes: 0 });
    expect(await jobs()).toEqual([]);
  });

  it('answers 404 for a contact HubSpot does not have and we never imported', async () => {
    freshDeps();
    const failure = await setDnc('9003').catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 404, code: 'not_found' });
    expect(await jobs()).toEqual([]);
  });
});

describe('the HubSpot do-not-call job', () => {
  it('marks the write failed with HubSpot’s message when HubSpot refuses it for good, without retrying', async () => {
    freshDeps();
    await setDnc('5004');
    hubspot.mode = 'refuses';
    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5004' })).toBe('refused');
    expect(await row('5004')).toMatchObject({
      sync_status: 'failed',
      last_error: 'HubSpot: Object 5004 not found',
    });

    await setDnc('5005');
    hubspot.mode = 'rejects';
    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5005' })).toBe('refused');
    expect(await row('5005')).toMatchObject({ sync_status: 'failed' });
    expect((await row('5005')).last_error).toContain('does not exist');
  });

  it('leaves a decision made while it was writing pending, for the job that decision queued', async () => {
    freshDeps();
    await setDnc('5006', true);
    await boss.deleteAllJobs();
    hubspot.duringUpdate = async () => {
      hubspot.duringUpdate = null;
      await setDnc('5006', false);
    };
    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5006' })).toBe('written');
    expect(await row('5006')).toMatchObject({ do_not_call: false, version: 2, sync_status: 'pending' });
    expect(await jobs()).toEqual([{ portalId: PORTAL, contactId: '5006' }]);

    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5006' })).toBe('written');
    expect(await row('5006')).toMatchObject({ sync_status: 'done', synced_version: 2 });
    expect(hubspot.updates.map((u) => u[0]?.properties)).toEqual([
      { fundraising_do_not_call: 'true' },
      { fundraising_do_not_call: 'false' },
    ]);
    // Run again (a duplicate job): nothing left to write.
    expect(await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5006' })).toBe('nothing_to_do');
  });

  it('creates the app’s properties once in a portal that has never been set up', async () => {
    freshDeps();
    await setDnc('5007');
    await setDnc('5008');
    await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5007' });
    await syncContactDoNotCall(deps, { portalId: PORTAL, contactId: '5008' });
    expect(hubspot.setups).toBe(1);
  });
});
