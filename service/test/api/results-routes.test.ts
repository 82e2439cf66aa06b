import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign, insertContacts } from '../../../test/helpers/campaign-fixtures.js';
import { seedEndedAttempts } from '../../../test/helpers/results-seed.js';
import { attemptsCsv, type ExportProgress } from '../../src/api/results-export.js';
import type { Queryable } from '../../src/db/pool.js';
import { type ApiTestService, startApiTestService } from './api-service.js';
import { parseCsv } from './parse-csv.js';

let t: ApiTestService;
let campaignId: string;
/** Attempts of the campaign that count: the 10 seeded ended calls and one still ringing. */
const ATTEMPTS = 11;
const HISTORY = 'https://elevenlabs.io/app/conversational-ai/history/';

beforeAll(async () => {
  t = await startApiTestService();
  campaignId = await insertCampaign(t.db.pool, { portalId: t.portalIdA, status: 'active' });
  await t.db.pool.query(`UPDATE campaigns SET name = 'Grâce appeal' WHERE id = $1`, [campaignId]);
  // pledged, no_answer, declined, voicemail, pledged, ... one second apart from 15:00:00.
  await seedEndedAttempts(t.db.pool, { portalId: t.portalIdA, campaignId, count: 10, firstContactId: 100 });
  // A donor whose words a spreadsheet would run, and a row written before outcome details had types.
  await t.db.pool.query(
    `UPDATE call_attempts SET outcome_detail = outcome_detail || '{"summary": "=HYPERLINK(\\"http://x.example\\",\\"win\\")"}'
      WHERE contact_id = '101'`,
  );
  await t.db.pool.query(
    `UPDATE call_attempts SET outcome_detail = '{"pledgeAmount": "50", "durationSecs": "long"}' WHERE contact_id = '104'`,
  );
  // One call still ringing (no outcome yet), and dials that never left: they are not attempts.
  const [ringing, claimed, released] = await insertContacts(t.db.pool, t.portalIdA, campaignId, [
    { phone: '+12125550001', state: 'dialing', contactId: '900' },
    { phone: '+12125550002', state: 'dialing', contactId: '901' },
    { phone: '+12125550003', state: 'queued', contactId: '902' },
  ]);
  await t.db.pool.query(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                status, conversation_id, claimed_at, dial_started_at, placed_at, not_placed_reason)
     VALUES ($1, $2, $3, '900', '+12125550001', 'phnum_seed', 'placed', 'conv_ringing', '2026-11-30T16:00:00Z',
             '2026-11-30T16:00:00Z', '2026-11-30T16:00:01Z', NULL),
            ($1, $2, $4, '901', '+12125550002', 'phnum_seed', 'claimed', NULL, '2026-11-30T16:01:00Z', NULL, NULL, NULL),
            ($1, $2, $5, '902', '+12125550003', 'phnum_seed', 'not_placed', NULL, '2026-11-30T16:02:00Z',
             '2026-11-30T16:02:00Z', NULL, 'at_capacity: busy')`,
    [t.portalIdA, campaignId, ringing, claimed, released],
  );
  // Another portal's campaign with attempts of its own, which A must never see.
  const other = await insertCampaign(t.db.pool, { portalId: t.portalIdB, status: 'active' });
  await seedEndedAttempts(t.db.pool, {
    portalId: t.portalIdB,
    campaignId: other,
    count: 5,
    firstContactId: 200,
  });
});
afterAll(async () => {
  await t.stop();
});

/** A signed GET read as bytes (the helper's send parses JSON). */
const download = (path: string) => {
  const call = t.portalA.sign('GET', path);
  return fetch(call.url, { headers: call.headers });
};

describe("a campaign's results", () => {
  it('counts attempts, outcomes and pledges in its stats', async () => {
    const stats = await t.portalA.get(`/api/campaigns/${campaignId}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      campaignId,
      status: 'active',
      // Stats count every attempt not given back, the claimed one included.
      attempts: ATTEMPTS + 1,
      callsInFlight: 2,
      outcomes: { pledged: 4, no_answer: 2, declined: 2, voicemail: 2 },
      pledges: { count: 4 },
    });
  });

  it('lists its attempts newest first, a page at a time, with outcome, summary, duration, pledge and link', async () => {
    const first = await t.portalA.get(`/api/campaigns/${campaignId}/attempts?limit=4`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: ATTEMPTS, offset: 0, limit: 4 });
    expect(first.body.items.map((a: { contactId: string }) => a.contactId)).toEqual([
      '900',
      '109',
      '108',
      '107',
    ]);
    expect(first.body.items[0]).toMatchObject({
      status: 'placed',
      outcome: null,
      summary: null,
      pledge: null,
    });

    const rest = await t.portalA.get(`/api/campaigns/${campaignId}/attempts?offset=4&limit=200`);
    const seen = [...first.body.items, ...rest.body.items].map((a: { contactId: string }) => a.contactId);
    expect(seen).toEqual(['900', '109', '108', '107', '106', '105', '104', '103', '102', '101', '100']);

    const pledged = await t.portalA.get(`/api/campaigns/${campaignId}/attempts?outcome=pledged`);
    expect(pledged.body.total).toBe(4);
    const attempt109 = pledged.body.items[0];
    expect(attempt109).toEqual({
      attemptId: expect.any(String),
      contactId: '109',
      firstName: 'Donor 9',
      phone: '+12120000109',
      status: 'ended',
      outcome: 'pledged',
      outcomeReason: 'seeded pledged',
      summary: 'Donor 109 said "thanks, truly".\nCall back in spring.',
      durationSecs: 30 + (109 % 200),
      pledge: { amount: 25 + (109 % 4) * 25, frequency: 'monthly' },
      callbackAt: null,
      conversationId: `conv_seed_${campaignId}_109`,
      conversationUrl: `${HISTORY}conv_seed_${campaignId}_109`,
      dialledAt: '2026-11-30T15:00:09.000Z',
      endedAt: '2026-11-30T15:01:39.000Z',
    });
    // Pledged by outcome, but the amount was stored as text by older code: no pledge rather than a wrong one.
    const legacy = pledged.body.items.find((a: { contactId: string }) => a.contactId === '104');
    expect(legacy).toMatchObject({ pledge: null, durationSecs: null, summary: null });
  });

  it('exports every attempt as CSV, oldest first, escaped and defused, as an attachment', async () => {
    const answer = await download(`/api/campaigns/${campaignId}/export.csv`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="Grace appeal results.csv"; filename*=UTF-8''Gr%C3%A2ce%20appeal%20results.csv`,
    );
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header).toEqual([
      'attempt_id',
      'hubspot_contact_id',
      'first_name',
      'phone',
      'dialled_at',
      'ended_at',
      'status',
      'outcome',
      'outcome_label',
      'outcome_reason',
      'duration_secs',
      'pledge_amount',
      'pledge_frequency',
      'callback_at',
      'summary',
      'conversation_id',
      'conversation_url',
    ]);
    expect(rows.map((r) => r[1])).toEqual([
      '100',
      '101',
      '102',
      '103',
      '104',
      '105',
      '106',
      '107',
      '108',
      '109',
      '900',
    ]);
    const byContact = new Map(rows.map((r) => [r[1], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]));
    expect(byContact.get('100')).toMatchObject({
      first_name: 'Donor 0',
      // A leading + would make the number a formula: kept as text.
      phone: "'+12120000100",
      outcome: 'pledged',
      outcome_label: 'Pledged',
      duration_secs: '130',
      pledge_amount: '25',
      pledge_frequency: 'monthly',
      summary: 'Donor 100 said "thanks, truly".\nCall back in spring.',
      conversation_url: `${HISTORY}conv_seed_${campaignId}_100`,
    });
    expect(byContact.get('101')?.summary).toBe(`'=HYPERLINK("http://x.example","win")`);
    expect(byContact.get('900')).toMatchObject({ status: 'placed', outcome: '', ended_at: '' });
  });

  it('answers HEAD with the download headers and no body', async () => {
    const call = t.portalA.sign('HEAD', `/api/campaigns/${campaignId}/export.csv`);
    const answer = await fetch(call.url, { method: 'HEAD', headers: call.headers });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(await answer.text()).toBe('');
  });

  it('exports only the outcome asked for', async () => {
    const answer = await download(`/api/campaigns/${campaignId}/export.csv?outcome=declined`);
    const rows = parseCsv((await answer.text()).replace(/^\uFEFF/, '')).slice(1);
    expect(rows.map((r) => [r[1], r[7]])).toEqual([
      ['102', 'declined'],
      ['107', 'declined'],
    ]);
  });
});

describe('the export stream', () => {
  const countingDb = (counter: { queries: number }): Queryable =>
    ({
      query: (text: string, params?: unknown[]) => {
        counter.queries += 1;
        return t.db.pool.query(text, params);
      },
    }) as unknown as Queryable;

  it('pages by (dial time, id) without losing or repeating a row, ties and microseconds included', async () => {
    const tied = await insertCampaign(t.db.pool, { portalId: t.portalIdA, status: 'active' });
    await seedEndedAttempts(t.db.pool, {
      portalId: t.portalIdA,
      campaignId: tied,
      count: 9,
      firstContactId: 300,
    });
    // Three rows share one instant, two differ by a microsecond: a millisecond Date cursor would lose them.
    await t.db.pool.query(
      `UPDATE call_attempts SET dial_started_at = CASE
         WHEN contact_id IN ('301', '302', '303') THEN timestamptz '2026-11-30T15:00:01.000001Z'
         WHEN contact_id = '304' THEN timestamptz '2026-11-30T15:00:01.000002Z'
         ELSE dial_started_at END
       WHERE campaign_id = $1`,
      [tied],
    );
    const chunks: string[] = [];
    for await (const chunk of attemptsCsv(
      t.db.pool,
      { portalId: t.portalIdA, campaignId: tied, outcome: null },
      undefined,
      2,
    )) {
      chunks.push(chunk);
    }
    expect(chunks).toHaveLength(1 + 5);
    const contacts = parseCsv(chunks.join('').slice(1))
      .slice(1)
      .map((r) => r[1]);
    expect([...contacts].sort()).toEqual(['300', '301', '302', '303', '304', '305', '306', '307', '308']);
    expect(contacts.slice(0, 1)).toEqual(['300']);
    expect(contacts.slice(4)).toEqual(['304', '305', '306', '307', '308']);
  });

  it('reads the next page only once the client has taken the last one, and stops when the client goes away', async () => {
    const counter = { queries: 0 };
    const progress: ExportProgress = { rows: 0 };
    let chunksTaken = 0;
    let mostAhead = 0;
    const slowClient = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, done) {
        chunksTaken += 1;
        // Pages read beyond what the client has taken: the header needs no query, so this stays within 1.
        mostAhead = Math.max(mostAhead, counter.queries - chunksTaken);
        if (chunksTaken === 4) {
          done(new Error('client went away'));
          return;
        }
        setTimeout(done, 20);
      },
    });
    const scope = { portalId: t.portalIdA, campaignId, outcome: null };
    await expect(
      pipeline(
        Readable.from(attemptsCsv(countingDb(counter), scope, progress, 1), { objectMode: false }),
        slowClient,
      ),
    ).rejects.toThrow('client went away');
    await new Promise((r) => setTimeout(r, 100));
    expect(mostAhead).toBeLessThanOrEqual(1);
    // The header and three one-row pages were taken; at most one more page was read, none after the client left.
    expect(counter.queries).toBeLessThanOrEqual(4);
    expect(progress.rows).toBeLessThan(ATTEMPTS);
  });
});
