import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCampaign } from '../../../src/campaigns/import/index.js';
import {
  callablePhones,
  countsOf,
  demoList,
  expectedCounts,
  failOnce,
  type ImportHarness,
  importRequests,
  insertCampaign,
  PORTAL_ID,
  progressOf,
  rowsOf,
  startImportHarness,
} from './import-harness.js';

let h: ImportHarness;
const spring = demoList(250);

beforeAll(async () => {
  h = await startImportHarness();
});
afterAll(async () => {
  await h?.stop();
});

const job = (campaignId: string) => ({ portalId: PORTAL_ID, campaignId });

/** A clean import of the 250 list in pages of `pageSize`, for comparing a troubled one against. */
async function cleanImport(pageSize?: number) {
  const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
  await importCampaign(h.deps(pageSize === undefined ? {} : { pageSize }), job(campaignId));
  return campaignId;
}

const outcomes = (rows: Awaited<ReturnType<typeof rowsOf>>) =>
  rows.map((r) => `${r.contact_id} ${r.state} ${r.skip_reason ?? ''} ${r.phone_e164 ?? ''}`);

describe('importing the 250-contact demo list', () => {
  it("records every contact, skipped for the demo data's own problems, and makes the campaign ready", async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    const since = h.fake.record.requests.length;

    const result = await importCampaign(h.deps(), job(campaignId));

    expect(result).toMatchObject({ outcome: 'completed', pagesWritten: 1, contactsInserted: spring.size });
    const expected = await expectedCounts(spring);
    // The demo list carries every kind of problem; make sure the expectation is not vacuous.
    for (const reason of ['no_phone', 'invalid_phone', 'suppressed', 'no_consent', 'duplicate_phone'])
      expect(expected[reason], reason).toBeGreaterThan(0);
    expect(await countsOf(h.db.pool, campaignId)).toEqual(expected);

    const rows = await rowsOf(h.db.pool, campaignId);
    expect(rows).toHaveLength(spring.size);
    expect(rows.every((r) => r.portal_id === PORTAL_ID)).toBe(true);
    expect(await progressOf(h.db.pool, campaignId)).toEqual({
      status: 'ready',
      import_done: 250,
      import_total: 250,
      import_after: null,
      import_error: null,
    });
    // One memberships page and ceil(250 / 100) batch reads: nothing more.
    expect(importRequests(h.fake, spring.listId, since)).toMatchObject({
      memberships: 1,
      batchReads: Math.ceil(spring.size / 100),
      total: 1 + Math.ceil(spring.size / 100),
    });
  });

  it('stores what the agent and the calling window need for an imported contact', async () => {
    const campaignId = await cleanImport();
    const member = spring.memberAt(0).recordId;
    const { rows } = await h.db.pool.query(
      `SELECT phone_e164, time_zones, time_zone_source, us_state, first_name, variables, state
       FROM campaign_contacts WHERE campaign_id = $1 AND contact_id = $2`,
      [campaignId, member],
    );
    const props = h.fake.contact(PORTAL_ID, member) ?? {};
    expect(rows[0]).toEqual({
      phone_e164: props.phone,
      time_zones: ['America/New_York'],
      time_zone_source: 'hubspot',
      us_state: props.state,
      first_name: props.firstname,
      variables: { first_name: props.firstname, last_gift_amount: props.last_gift_amount },
      state: 'imported',
    });
  });

  it("skips numbers on the portal's suppression list, over a missing consent too", async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    // Two contacts that would be called, and one without consent (suppressed ranks first).
    const noConsent = (i: number) =>
      h.fake.contact(PORTAL_ID, spring.memberAt(i).recordId)?.ai_call_consent === 'false';
    const listed = [
      ...callablePhones(spring, 2, (i) => !noConsent(i) && i > 100),
      ...callablePhones(spring, 1, noConsent),
    ];
    for (const phone of listed)
      await h.db.pool.query(
        "INSERT INTO suppressions (portal_id, phone_e164, reason) VALUES ($1, $2, 'opted_out') ON CONFLICT DO NOTHING",
        [PORTAL_ID, phone],
      );

    await importCampaign(h.deps(), job(campaignId));

    expect(await countsOf(h.db.pool, campaignId)).toEqual(await expectedCounts(spring, new Set(listed)));
    const { rows } = await h.db.pool.query(
      'SELECT DISTINCT skip_reason FROM campaign_contacts WHERE campaign_id = $1 AND phone_e164 = ANY($2)',
      [campaignId, listed],
    );
    expect(rows).toEqual([{ skip_reason: 'suppressed' }]);
    await h.db.pool.query('DELETE FROM suppressions WHERE portal_id = $1', [PORTAL_ID]);
  });

  it("puts a do-not-call contact's number on the portal's list, so a duplicate record of that person is not called", async () => {
    // Contact 10134 is flagged do-not-call in HubSpot; 10135 is another record with the same number.
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    await importCampaign(h.deps(), job(campaignId));
    const rows = await h.db.pool.query<{
      contact_id: string;
      skip_reason: string | null;
      phone_e164: string;
    }>(
      `SELECT contact_id, skip_reason, phone_e164 FROM campaign_contacts
        WHERE campaign_id = $1 AND contact_id IN ('10134', '10135') ORDER BY contact_id`,
      [campaignId],
    );
    expect(rows.rows.map((r) => [r.contact_id, r.skip_reason])).toEqual([
      ['10134', 'suppressed'],
      ['10135', 'suppressed'],
    ]);
    expect(rows.rows[0]?.phone_e164).toBe(rows.rows[1]?.phone_e164);
    const listed = await h.db.pool.query(
      'SELECT reason, source FROM suppressions WHERE portal_id = $1 AND phone_e164 = $2',
      [PORTAL_ID, rows.rows[0]?.phone_e164],
    );
    // The same entry a do-not-call property change by webhook makes: clearing the property clears it.
    expect(listed.rows).toEqual([{ reason: 'hubspot_property', source: '10134' }]);
    await h.db.pool.query('DELETE FROM suppressions WHERE portal_id = $1', [PORTAL_ID]);
  });

  it('reads contacts 100 at a time across memberships pages: pages + ceil(n/100) requests', async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    const since = h.fake.record.requests.length;
    await importCampaign(h.deps({ pageSize: 30 }), job(campaignId));
    // 250 members in pages of 30 = 9 pages; they are still read in 3 batches of at most 100.
    expect(importRequests(h.fake, spring.listId, since)).toMatchObject({
      memberships: 9,
      batchReads: 3,
      total: 12,
    });
    expect(await countsOf(h.db.pool, campaignId)).toEqual(await expectedCounts(spring));
  });
});

describe('failures and re-runs', () => {
  it.each([
    ['the 3rd memberships page', failOnce('getListMembershipsPage', 3)],
    ['the 2nd batch read', failOnce('batchReadContacts', 2)],
  ])('resumes after a failure on %s without duplicating anyone', async (_what, wrap) => {
    const reference = await rowsOf(h.db.pool, await cleanImport(50));
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    const deps = h.deps({ wrap, pageSize: 50 });

    await expect(importCampaign(deps, job(campaignId))).rejects.toThrow(/HubSpot answered 502/);
    const halfway = await progressOf(h.db.pool, campaignId);
    // Pages 1-2 (100 members, read in one batch) committed before the failure; nothing after them.
    expect(halfway).toMatchObject({ status: 'importing', import_done: 100, import_total: 250 });
    expect(halfway.import_error).toMatch(/HubSpot answered 502/);
    expect(halfway.import_after).not.toBeNull();
    expect(await rowsOf(h.db.pool, campaignId)).toHaveLength(100);

    const since = h.fake.record.requests.length;
    await expect(importCampaign(deps, job(campaignId))).resolves.toMatchObject({
      outcome: 'completed',
      contactsInserted: 150,
    });
    // The re-run starts at the committed cursor: pages 3-5 and two batch reads for their 150 members.
    expect(importRequests(h.fake, spring.listId, since)).toMatchObject({ memberships: 3, batchReads: 2 });
    expect(outcomes(await rowsOf(h.db.pool, campaignId))).toEqual(outcomes(reference));
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({
      status: 'ready',
      import_done: 250,
      import_total: 250,
      import_error: null,
    });
  });

  it('does nothing when run again on a finished campaign', async () => {
    const campaignId = await cleanImport();
    const before = await rowsOf(h.db.pool, campaignId);
    const since = h.fake.record.requests.length;

    await expect(importCampaign(h.deps(), job(campaignId))).resolves.toMatchObject({ outcome: 'stopped' });
    expect(importRequests(h.fake, spring.listId, since).total).toBe(0);
    expect(await rowsOf(h.db.pool, campaignId)).toEqual(before);
  });

  it('adds nothing when a finished campaign is imported again from the start', async () => {
    const campaignId = await cleanImport();
    const before = await rowsOf(h.db.pool, campaignId);
    await h.db.pool.query(
      "UPDATE campaigns SET status = 'importing', import_after = NULL, import_done = 0 WHERE id = $1",
      [campaignId],
    );

    await expect(importCampaign(h.deps(), job(campaignId))).resolves.toMatchObject({
      outcome: 'completed',
      contactsInserted: 0,
    });
    expect(await rowsOf(h.db.pool, campaignId)).toEqual(before);
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({ status: 'ready', import_done: 250 });
  });

  it('stops at the next page when the campaign is cancelled mid-import, and stays cancelled', async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    let pages = 0;
    const deps = h.deps({
      pageSize: 50,
      wrap: (client) => ({
        ...client,
        getListMembershipsPage: async (...args) => {
          pages += 1;
          if (pages === 3)
            await h.db.pool.query("UPDATE campaigns SET status = 'cancelled' WHERE id = $1", [campaignId]);
          return client.getListMembershipsPage(...args);
        },
      }),
    });

    await expect(importCampaign(deps, job(campaignId))).resolves.toMatchObject({
      outcome: 'stopped',
      pagesWritten: 2,
    });
    expect(await progressOf(h.db.pool, campaignId)).toMatchObject({ status: 'cancelled', import_done: 100 });
    expect(await rowsOf(h.db.pool, campaignId)).toHaveLength(100);
  });

  it("ignores another portal's campaign id", async () => {
    const campaignId = await insertCampaign(h.db.pool, { listId: spring.listId });
    await expect(importCampaign(h.deps(), { portalId: PORTAL_ID + 1, campaignId })).resolves.toMatchObject({
      outcome: 'not_found',
    });
    expect(await rowsOf(h.db.pool, campaignId)).toHaveLength(0);
  });
});
