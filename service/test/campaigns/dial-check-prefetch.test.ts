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
import { engineDeps, ManualClock } from '../../../test/helpers/engine.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { prefetchDialChecks } from '../../src/campaigns/placement/dial-check-prefetch.js';
import { placeCall } from '../../src/campaigns/placement/place-call.js';
import type { ServiceDeps } from '../../src/core/deps.js';
import type { DialResult, ElevenLabsApi, OutboundCallRequest } from '../../src/elevenlabs/index.js';
import type { HubSpotPortalClient } from '../../src/hubspot/index.js';

const PORTAL = 602;
const MAX_AGE_MS = 60_000;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let deps: ServiceDeps & { boss: PgBoss };

/** The fake CRM: per-contact properties, every batch read it served, and whether it is reachable. */
const crm = {
  properties: new Map<string, Record<string, string | null>>(),
  reads: [] as { ids: string[]; properties: string[] }[],
  down: false,
  deleted: new Set<string>(),
};
const hubspot = {
  forPortal: () =>
    ({
      batchReadContacts: async (ids: string[], properties: string[]) => {
        crm.reads.push({ ids, properties });
        if (crm.down) throw new Error('HubSpot 503');
        const present = ids.filter((id) => !crm.deleted.has(id));
        return {
          contacts: present.map((id) => ({
            id,
            properties: Object.fromEntries(properties.map((p) => [p, crm.properties.get(id)?.[p] ?? null])),
          })),
          missingIds: ids.filter((id) => crm.deleted.has(id)),
        };
      },
    }) as unknown as HubSpotPortalClient,
};
const dials: OutboundCallRequest[] = [];
const elevenlabs = {
  async placeOutboundCall(req: OutboundCallRequest): Promise<DialResult> {
    dials.push(req);
    return { kind: 'placed', conversationId: `conv_${dials.length}`, callSid: null, sipCallId: null };
  },
};

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await engineDeps(db, {
    clock,
    elevenlabs: elevenlabs as unknown as ElevenLabsApi,
    hubspot,
    settings: { accountConcurrencyCap: 200, dialCheckMaxAgeMs: MAX_AGE_MS },
  });
  await insertPortal(db.pool, PORTAL);
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  dials.length = 0;
  crm.properties.clear();
  crm.reads.length = 0;
  crm.down = false;
  crm.deleted.clear();
  await db.pool.query('TRUNCATE campaigns, suppressions, caller_pacing CASCADE');
  await deps.boss.deleteAllJobs();
});
afterAll(async () => {
  await deps.boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

/** A campaign with `n` contacts (ids c0, c1, ...) due one second apart, earliest first. */
async function campaignWith(n: number, fixture: Partial<Parameters<typeof insertCampaign>[1]> = {}) {
  const id = await insertCampaign(db.pool, { portalId: PORTAL, concurrencyCap: 200, ...fixture });
  await insertContacts(
    db.pool,
    PORTAL,
    id,
    Array.from({ length: n }, (_, i) => ({
      phone: usPhone(i),
      contactId: `c${i}`,
      nextAttemptAt: new Date(TUESDAY_AFTERNOON_NY - 3_600_000 + i * 1000),
    })),
  );
  return id;
}

/** Claims `n` due contacts and places each claimed attempt. */
async function claimAndPlace(): Promise<void> {
  await dispatchTick(deps);
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT id::text FROM call_attempts WHERE status = 'claimed' ORDER BY claimed_at`,
  );
  for (const row of rows) await placeCall(deps, { attemptId: row.id, portalId: PORTAL });
}

const contactState = async (contactId: string) =>
  (
    await db.pool.query<{ state: string; skip_reason: string | null }>(
      'SELECT state, skip_reason FROM campaign_contacts WHERE contact_id = $1',
      [contactId],
    )
  ).rows[0];

describe('pre-dial HubSpot reads', () => {
  it('reads the next 100 due contacts of a campaign in one request, earliest first', async () => {
    await campaignWith(150);
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 1, stored: 100 });
    expect(crm.reads).toHaveLength(1);
    expect(crm.reads[0]?.ids).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
    expect(crm.reads[0]?.properties.sort()).toEqual(['ai_call_consent', 'fundraising_do_not_call']);
  });

  it('dials contacts with a fresh batched read without asking HubSpot again', async () => {
    await campaignWith(10, { dialsPerSecond: 100 });
    await prefetchDialChecks(deps);
    crm.reads.length = 0;
    await claimAndPlace();
    expect(dials).toHaveLength(10);
    expect(crm.reads).toEqual([]);
  });

  it('does not dial a contact the batched read found on do-not-call, and suppresses its number', async () => {
    await campaignWith(3, { dialsPerSecond: 100 });
    crm.properties.set('c1', { fundraising_do_not_call: 'true' });
    await prefetchDialChecks(deps);
    await claimAndPlace();
    expect(dials.map((d) => d.toNumber).sort()).toEqual([usPhone(0), usPhone(2)]);
    expect(await contactState('c1')).toEqual({ state: 'skipped', skip_reason: 'suppressed' });
    const suppressed = await db.pool.query('SELECT phone_e164 FROM suppressions WHERE portal_id = $1', [
      PORTAL,
    ]);
    expect(suppressed.rows).toEqual([{ phone_e164: usPhone(1) }]);
  });

  it('does not dial without consent when the campaign requires it, from the batched read', async () => {
    await campaignWith(2, { dialsPerSecond: 100, requireConsent: true });
    crm.properties.set('c0', { ai_call_consent: 'true' });
    await prefetchDialChecks(deps);
    await claimAndPlace();
    expect(dials.map((d) => d.toNumber)).toEqual([usPhone(0)]);
    expect(await contactState('c1')).toEqual({ state: 'skipped', skip_reason: 'no_consent' });
  });

  it('reads the contact again at its dial once the batched read is older than the max age, honouring a do-not-call set since', async () => {
    await campaignWith(1);
    await prefetchDialChecks(deps);
    crm.properties.set('c0', { fundraising_do_not_call: 'true' });
    clock.set(TUESDAY_AFTERNOON_NY + MAX_AGE_MS + 1);
    await claimAndPlace();
    expect(dials).toEqual([]);
    expect(crm.reads).toHaveLength(2);
    expect(await contactState('c0')).toEqual({ state: 'skipped', skip_reason: 'suppressed' });
  });

  it('ignores a batched read made for properties the campaign no longer uses', async () => {
    await campaignWith(1);
    await prefetchDialChecks(deps);
    await db.pool.query(`UPDATE campaigns SET dnc_property = 'hs_do_not_call'`);
    crm.properties.set('c0', { hs_do_not_call: 'true' });
    await claimAndPlace();
    expect(dials).toEqual([]);
    expect(crm.reads.at(-1)?.properties).toContain('hs_do_not_call');
    expect(await contactState('c0')).toEqual({ state: 'skipped', skip_reason: 'suppressed' });
  });

  it('does not read again while at least 50 fresh reads are waiting, and tops up with a full batch when they run low', async () => {
    await campaignWith(200);
    await prefetchDialChecks(deps);
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 0, stored: 0 });
    // 60 of the 100 read contacts were called: 40 fresh ones left, so a full batch (the next 100) is read in one
    // request, not only the 60 that would bring the window back to 100.
    await db.pool.query(`UPDATE campaign_contacts SET state = 'done' WHERE contact_id = ANY($1)`, [
      Array.from({ length: 60 }, (_, i) => `c${i}`),
    ]);
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 1, stored: 100 });
    expect(crm.reads.at(-1)?.ids).toEqual(Array.from({ length: 100 }, (_, i) => `c${100 + i}`));
  });

  it('reads a contact without a fresh check that comes up among the next 50 dials, however many fresh ones follow', async () => {
    const id = await campaignWith(100);
    await prefetchDialChecks(deps);
    await insertContacts(db.pool, PORTAL, id, [
      { phone: usPhone(500), contactId: 'early', nextAttemptAt: new Date(TUESDAY_AFTERNOON_NY - 7_200_000) },
    ]);
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 1, stored: 1 });
    expect(crm.reads.at(-1)?.ids).toEqual(['early']);
  });

  it('keeps what a dial read itself, so a redial soon after needs no request', async () => {
    await campaignWith(1);
    await claimAndPlace(); // no batched read yet: the dial reads the contact
    expect(crm.reads).toHaveLength(1);
    await db.pool.query(`UPDATE call_attempts SET status = 'ended'`);
    await db.pool.query(`UPDATE campaign_contacts SET state = 'queued', next_attempt_at = $1`, [
      new Date(TUESDAY_AFTERNOON_NY),
    ]);
    clock.set(TUESDAY_AFTERNOON_NY + 20_000);
    await claimAndPlace();
    expect(dials).toHaveLength(2);
    expect(crm.reads).toHaveLength(1);
  });

  it('does not read contacts that are not due within half the max age', async () => {
    const id = await insertCampaign(db.pool, { portalId: PORTAL });
    await insertContacts(db.pool, PORTAL, id, [
      { phone: usPhone(1), contactId: 'soon', nextAttemptAt: new Date(TUESDAY_AFTERNOON_NY + 20_000) },
      { phone: usPhone(2), contactId: 'later', nextAttemptAt: new Date(TUESDAY_AFTERNOON_NY + 3_600_000) },
    ]);
    await prefetchDialChecks(deps);
    expect(crm.reads.map((r) => r.ids)).toEqual([['soon']]);
  });

  it('reads nothing ahead with a max age of 0: every contact is read at its own dial', async () => {
    await campaignWith(3, { dialsPerSecond: 100 });
    const live = { ...deps, settings: { ...deps.settings, dialCheckMaxAgeMs: 0 } };
    expect(await prefetchDialChecks(live)).toEqual({ requests: 0, stored: 0 });
    await dispatchTick(live);
    const { rows } = await db.pool.query<{ id: string }>(`SELECT id::text FROM call_attempts`);
    for (const row of rows) await placeCall(live, { attemptId: row.id, portalId: PORTAL });
    expect(dials).toHaveLength(3);
    expect(crm.reads.flatMap((r) => r.ids).sort()).toEqual(['c0', 'c1', 'c2']);
  });

  it('stores nothing when the batched read fails, so dials read HubSpot themselves and fail closed', async () => {
    await campaignWith(1);
    crm.down = true;
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 1, stored: 0 });
    await claimAndPlace();
    expect(dials).toEqual([]);
    expect(await contactState('c0')).toMatchObject({ state: 'queued' });
  });

  it('leaves a contact HubSpot no longer has to its dial, which finds it deleted and does not call', async () => {
    await campaignWith(2, { dialsPerSecond: 100 });
    crm.deleted.add('c1');
    expect(await prefetchDialChecks(deps)).toEqual({ requests: 1, stored: 1 });
    await claimAndPlace();
    expect(dials.map((d) => d.toNumber)).toEqual([usPhone(0)]);
    expect(await contactState('c1')).toMatchObject({ state: 'done' });
  });
});
