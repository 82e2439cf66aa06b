import { campaignOptionsResponseSchema } from '@fundraising/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { SECOND_PORTAL_ID } from '../../src/sandbox/index.js';
import { containsPattern, OPTIONS_PAGE_SIZE } from '../../src/workflow-action/campaign-options.js';
import { fetchOptions, send, signV2 } from './helpers.js';

let db: TestDatabase;
let service: RunningService;
let portalId: number;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    startDispatcher: false,
  });
  portalId = service.integrations.sandbox!.demoPortal.portalId;
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  for (const status of ['active', 'ready', 'paused', 'cancelled', 'completed', 'importing']) {
    ids[status] = await insertCampaign(db.pool, { portalId, status });
    await db.pool.query('UPDATE campaigns SET name = $2 WHERE id = $1', [
      ids[status],
      `Spring appeal ${status}`,
    ]);
  }
  ids.theirs = await insertCampaign(db.pool, { portalId: SECOND_PORTAL_ID });
  await db.pool.query(`UPDATE campaigns SET name = 'Spring appeal, other portal' WHERE id = $1`, [
    ids.theirs,
  ]);
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const request = (fetch?: { q?: string; after?: string }, portal = portalId) => ({
  origin: { portalId: portal, actionDefinitionId: 2210045, actionDefinitionVersion: 1 },
  objectTypeId: '0-1',
  inputFieldName: 'campaign_id',
  inputFields: {},
  ...(fetch ? { fetchOptions: fetch } : {}),
});

describe('POST /hubspot/actions/campaign-options (the campaign dropdown)', () => {
  it("lists the portal's active, ready and paused campaigns, searchable, in HubSpot's shape", async () => {
    const answer = await fetchOptions(service, request());
    expect(answer.status).toBe(200);
    const body = campaignOptionsResponseSchema.parse(answer.body);
    expect(body.searchable).toBe(true);
    expect(body.after).toBeUndefined();
    expect(new Set(body.options.map((o) => o.value))).toEqual(new Set([ids.active, ids.ready, ids.paused]));
    expect(body.options.find((o) => o.value === ids.paused)?.label).toBe('Spring appeal paused (paused)');
    expect(body.options.find((o) => o.value === ids.active)?.label).toBe('Spring appeal active');
  });

  it("never shows another portal's campaigns", async () => {
    const theirs = campaignOptionsResponseSchema.parse(
      (await fetchOptions(service, request(undefined, SECOND_PORTAL_ID))).body,
    );
    expect(theirs.options.map((o) => o.value)).toEqual([ids.theirs]);
  });

  it('filters by what the user typed, taking LIKE wildcards literally', async () => {
    const found = campaignOptionsResponseSchema.parse(
      (await fetchOptions(service, request({ q: 'PAUSED' }))).body,
    );
    expect(found.options.map((o) => o.value)).toEqual([ids.paused]);
    const wild = campaignOptionsResponseSchema.parse((await fetchOptions(service, request({ q: '%' }))).body);
    expect(wild.options).toEqual([]);
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(containsPattern('  ')).toBeNull();
  });

  it('pages with an `after` cursor HubSpot hands back', async () => {
    for (let i = 0; i < OPTIONS_PAGE_SIZE; i++) await insertCampaign(db.pool, { portalId, status: 'active' });
    const first = campaignOptionsResponseSchema.parse((await fetchOptions(service, request())).body);
    expect(first.options).toHaveLength(OPTIONS_PAGE_SIZE);
    expect(first.after).toBe(String(OPTIONS_PAGE_SIZE));
    const second = campaignOptionsResponseSchema.parse(
      (await fetchOptions(service, request({ after: first.after }))).body,
    );
    expect(second.options).toHaveLength(3);
    expect(second.after).toBeUndefined();
    const all = new Set([...first.options, ...second.options].map((o) => o.value));
    expect(all.size).toBe(OPTIONS_PAGE_SIZE + 3);
  });

  it('answers 401 to an unsigned request and 400 naming the field to a malformed one', async () => {
    const unsigned = signV2(service, '/hubspot/actions/campaign-options', request());
    expect((await send({ ...unsigned, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const bad = await fetchOptions(service, { origin: {} });
    expect({ status: bad.status, field: bad.body.error.field }).toEqual({
      status: 400,
      field: 'origin.portalId',
    });
    // Found by the fuzz suite (test/fuzz): a NUL in the search text reached the LIKE query, which Postgres
    // refused (a 500). It is refused first, naming the field, in any string of any HubSpot-signed body.
    for (const [body, field] of [
      [request({ q: 'spring\u0000' }), 'fetchOptions.q'],
      [{ ...request(), inputFields: { 'x\u0000': 1 } }, 'inputFields.x\u0000'],
    ] as const) {
      const answer = await fetchOptions(service, body);
      expect({ status: answer.status, field: answer.body.error.field }).toEqual({ status: 400, field });
    }
  });
});
