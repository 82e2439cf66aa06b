import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { seedEndedAttempts } from '../../../test/helpers/results-seed.js';
import { EXPORT_LINK_TTL_MS } from '../../src/api/export-link.js';
import { type ApiTestService, startApiTestService } from './api-service.js';
import { parseCsv } from './parse-csv.js';

/**
 * POST /api/campaigns/:id/export-link (signed, from the card) and the link it answers (opened by a browser, no
 * HubSpot signature): the link streams the same CSV as the signed export.csv; a changed or expired link is a 403.
 */

let t: ApiTestService;
let campaignId: string;
let otherPortalCampaign: string;

beforeAll(async () => {
  t = await startApiTestService();
  campaignId = await insertCampaign(t.db.pool, { portalId: t.portalIdA, status: 'active' });
  await seedEndedAttempts(t.db.pool, { portalId: t.portalIdA, campaignId, count: 6, firstContactId: 100 });
  otherPortalCampaign = await insertCampaign(t.db.pool, { portalId: t.portalIdB, status: 'active' });
});
afterAll(async () => {
  await t.stop();
});

const signedCsv = async (path: string) => {
  const call = t.portalA.sign('GET', path);
  return (await fetch(call.url, { headers: call.headers })).text();
};
const open = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('the CSV export link', () => {
  it('answers a 5-minute link that downloads the same CSV as the signed export, without a HubSpot signature', async () => {
    const made = await t.portalA.post(`/api/campaigns/${campaignId}/export-link`, {});
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(
      new RegExp(
        `^${t.service.url}/exports/${campaignId}\\.csv\\?portal=${t.portalIdA}&expires=\\d+&sig=[A-Za-z0-9_-]{43}$`,
      ),
    );
    const ttl = Date.parse(made.body.expiresAt) - t.clock.now();
    expect(ttl).toBeGreaterThan(EXPORT_LINK_TTL_MS - 1000);
    expect(ttl).toBeLessThanOrEqual(EXPORT_LINK_TTL_MS);

    const download = await open(made.body.url);
    expect(download.status).toBe(200);
    expect(download.type).toBe('text/csv; charset=utf-8');
    expect(download.text).toBe(await signedCsv(`/api/campaigns/${campaignId}/export.csv`));
    expect(parseCsv(download.text)).toHaveLength(1 + 6);
  });

  it('keeps the outcome filter it was made for', async () => {
    const made = await t.portalA.post(`/api/campaigns/${campaignId}/export-link`, { outcome: 'pledged' });
    expect(made.body.url).toContain('&outcome=pledged&');
    const download = await open(made.body.url);
    expect(download.text).toBe(await signedCsv(`/api/campaigns/${campaignId}/export.csv?outcome=pledged`));
    expect(parseCsv(download.text).length).toBeLessThan(1 + 6);
  });

  it('rejects a link whose portal, campaign, filter, expiry or signature was changed (403)', async () => {
    const made = await t.portalA.post(`/api/campaigns/${campaignId}/export-link`, {});
    const url: string = made.body.url;
    const expires = new URL(url).searchParams.get('expires')!;
    const sig = new URL(url).searchParams.get('sig')!;
    const tampered = {
      'another portal': url.replace(`portal=${t.portalIdA}`, `portal=${t.portalIdB}`),
      'another campaign': url.replace(campaignId, otherPortalCampaign),
      'a filter added': url.replace('&expires', '&outcome=pledged&expires'),
      'a later expiry': url.replace(`expires=${expires}`, `expires=${Number(expires) + 3600}`),
      'another signature': url.replace(sig, `${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`),
      'no signature': url.replace(/&sig=.*$/, ''),
    };
    for (const [what, link] of Object.entries(tampered)) {
      const answer = await open(link);
      expect({ what, status: answer.status, text: answer.text }).toEqual({
        what,
        status: 403,
        text: 'This export link is not valid.',
      });
    }
  });

  it('rejects a link once it has expired (403)', async () => {
    const made = await t.portalA.post(`/api/campaigns/${campaignId}/export-link`, {});
    t.clock.advance(EXPORT_LINK_TTL_MS);
    const answer = await open(made.body.url);
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('expired');
  });

  it('answers 404 for another portal’s campaign, and 400 for an unknown outcome', async () => {
    const other = await t.portalA.post(`/api/campaigns/${otherPortalCampaign}/export-link`, {});
    expect(other.status).toBe(404);
    const bad = await t.portalA.post(`/api/campaigns/${campaignId}/export-link`, { outcome: 'great' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('outcome');
  });
});
