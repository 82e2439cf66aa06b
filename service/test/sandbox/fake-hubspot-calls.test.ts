import { afterEach, describe, expect, it } from 'vitest';
import { createDemoPortal, DEMO_PORTAL_ID } from '../../src/sandbox/demo-portal.js';
import { demoPortal, type HubSpotHarness, startHubSpotHarness } from './hubspot-harness.js';
import { arrayAt, at } from './json-path.js';

let h: HubSpotHarness | undefined;
afterEach(async () => {
  await h?.fake.stop();
  h = undefined;
});

const GROUP = { name: 'ai_fundraising', label: 'AI fundraising calls', displayOrder: -1 };
const ATTEMPT_PROPERTY = {
  name: 'ai_call_attempt_id',
  label: 'AI call attempt id',
  type: 'string',
  fieldType: 'text',
  groupName: 'ai_fundraising',
};

const call = (attemptId?: string, extra: Record<string, string> = {}) => ({
  properties: {
    hs_timestamp: '2026-03-01T15:04:05.000Z',
    hs_call_title: 'AI call',
    hs_call_status: 'COMPLETED',
    hs_call_direction: 'OUTBOUND',
    hs_call_duration: '94000',
    ...(attemptId === undefined ? {} : { ai_call_attempt_id: attemptId }),
    ...extra,
  },
  associations: [
    { to: { id: '10001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] },
  ],
  ...(attemptId === undefined ? {} : { objectWriteTraceId: attemptId }),
});

/** Creates the app's calls group and attempt-id property, as the write-back's setup does. */
async function setUpCallsProperty(hs: HubSpotHarness, token?: string) {
  const auth = token === undefined ? {} : { token };
  expect((await hs.api('/crm/v3/properties/calls/groups', { body: GROUP, ...auth })).status).toBe(201);
  expect((await hs.api('/crm/v3/properties/calls', { body: ATTEMPT_PROPERTY, ...auth })).status).toBe(201);
}

const searchIn = (values: readonly string[], extra: Record<string, unknown> = {}) => ({
  filterGroups: [{ filters: [{ propertyName: 'ai_call_attempt_id', operator: 'IN', values }] }],
  properties: ['ai_call_attempt_id'],
  limit: 200,
  ...extra,
});

describe('fake HubSpot: calls properties', () => {
  it('lists the HubSpot-defined calls properties and creates groups and properties once (409 after)', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const defined = arrayAt((await hs.api('/crm/v3/properties/calls')).body, 'results');
    expect(defined.map((p) => at(p, 'name'))).toEqual(
      expect.arrayContaining(['hs_timestamp', 'hs_call_status', 'hs_call_body', 'hs_call_duration']),
    );
    expect(defined.map((p) => at(p, 'name'))).not.toContain('ai_call_attempt_id');

    await setUpCallsProperty(hs);
    const again = await hs.api('/crm/v3/properties/calls', { body: ATTEMPT_PROPERTY });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS' });
    expect((await hs.api('/crm/v3/properties/calls/groups', { body: GROUP })).status).toBe(409);
    // The object type id names the same object.
    expect(at((await hs.api('/crm/v3/properties/0-48/ai_call_attempt_id')).body, 'type')).toBe('string');
    expect(at((await hs.api('/crm/v3/properties/calls/groups/ai_fundraising')).body, 'label')).toBe(
      'AI fundraising calls',
    );

    const batch = await hs.api('/crm/v3/properties/calls/batch/create', {
      body: {
        inputs: [ATTEMPT_PROPERTY, { ...ATTEMPT_PROPERTY, name: 'ai_campaign', label: 'AI campaign' }],
      },
    });
    expect(batch.status).toBe(207);
    expect(arrayAt(batch.body, 'results').map((p) => at(p, 'name'))).toEqual(['ai_campaign']);

    expect(hs.fake.record.schemaChanges.map((c) => [c.objectType, c.kind, c.name])).toEqual([
      ['calls', 'group', 'ai_fundraising'],
      ['calls', 'property', 'ai_call_attempt_id'],
      ['calls', 'property', 'ai_campaign'],
    ]);
  });

  it('keeps calls and contacts properties apart, and refuses object types it has no properties for', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    await setUpCallsProperty(hs);
    expect((await hs.api('/crm/v3/properties/contacts/ai_call_attempt_id')).status).toBe(404);
    expect((await hs.api('/crm/v3/properties/contacts/groups', { body: GROUP })).status).toBe(201);
    const onContact = await hs.api('/crm/v3/objects/contacts/batch/update', {
      body: { inputs: [{ id: '10001', properties: { ai_call_attempt_id: 'x' } }] },
    });
    expect(onContact.status).toBe(400);
    expect(String(at(onContact.body, 'message'))).toContain('PROPERTY_DOESNT_EXIST');

    const deals = await hs.api('/crm/v3/properties/deals/groups', { body: GROUP });
    expect(deals.status).toBe(400);
    expect(deals.body).toMatchObject({ category: 'VALIDATION_ERROR' });
  });
});

describe('fake HubSpot: calls with custom properties', () => {
  it('refuses a call carrying a property calls do not have, and stores it once the property exists', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const early = await hs.api('/crm/v3/objects/calls/batch/create', {
      body: { inputs: [call(), call('attempt-1')] },
    });
    expect(early.status).toBe(400);
    expect(String(at(early.body, 'message'))).toContain('PROPERTY_DOESNT_EXIST');
    expect(hs.fake.record.calls).toHaveLength(0);

    await setUpCallsProperty(hs);
    const created = await hs.api('/crm/v3/objects/calls/batch/create', {
      body: { inputs: [call('attempt-1')] },
    });
    expect(created.status).toBe(201);
    const id = String(at(created.body, 'results', 0, 'id'));
    const fetched = await hs.api(`/crm/v3/objects/calls/${id}`);
    expect(at(fetched.body, 'properties')).toMatchObject({
      ai_call_attempt_id: 'attempt-1',
      hs_call_duration: '94000',
      hs_object_id: id,
    });
    expect(hs.fake.record.calls.map((c) => [c.id, c.properties.ai_call_attempt_id])).toEqual([
      [id, 'attempt-1'],
    ]);
  });

  it('refuses a call status HubSpot does not have', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const wrong = await hs.api('/crm/v3/objects/calls', {
      body: call(undefined, { hs_call_status: 'PLEDGED' }),
    });
    expect(wrong.status).toBe(400);
    expect(String(at(wrong.body, 'message'))).toContain('INVALID_OPTION');
    expect(hs.fake.record.calls).toHaveLength(0);
  });
});

describe('fake HubSpot: calls search', () => {
  it("finds the portal's calls by an IN filter, in HubSpot's result shape, page by page", async () => {
    const other = createDemoPortal({ portalId: 9_900_002, seed: 2, name: 'Other' });
    const hs = await startHubSpotHarness({ portals: [demoPortal, other] });
    h = hs;
    await setUpCallsProperty(hs);
    await setUpCallsProperty(hs, other.accessToken);
    const inputs = ['a-1', 'a-2', 'a-2', 'a-3', 'a-4'].map((a) => call(a));
    expect((await hs.api('/crm/v3/objects/calls/batch/create', { body: { inputs } })).status).toBe(201);
    const elsewhere = { ...call('a-1'), associations: [] };
    const otherCreate = await hs.api('/crm/v3/objects/calls', { body: elsewhere, token: other.accessToken });
    expect(otherCreate.status).toBe(201);

    const first = await hs.api('/crm/v3/objects/calls/search', {
      body: searchIn(['a-1', 'a-2', 'a-9'], { limit: 2 }),
    });
    expect(first.status).toBe(200);
    const ids = hs.fake.record.calls.filter((c) => c.portalId === DEMO_PORTAL_ID).map((c) => c.id);
    expect(first.body).toEqual({
      total: 3,
      results: [ids[0], ids[1]].map((id, i) => ({
        id,
        properties: {
          hs_createdate: expect.any(String),
          hs_lastmodifieddate: expect.any(String),
          hs_object_id: id,
          ai_call_attempt_id: i === 0 ? 'a-1' : 'a-2',
        },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        archived: false,
      })),
      paging: { next: { after: '2' } },
    });
    const second = await hs.api('/crm/v3/objects/calls/search', {
      body: searchIn(['a-1', 'a-2', 'a-9'], { limit: 2, after: '2' }),
    });
    expect(second.body).toMatchObject({ total: 3, results: [{ id: ids[2] }] });
    expect(at(second.body, 'paging')).toBeUndefined();
  });

  it('ORs filter groups, ANDs filters, and matches EQ on a value', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    await setUpCallsProperty(hs);
    const inputs = [call('a-1'), call('a-2', { hs_call_status: 'NO_ANSWER' }), call('a-3')];
    await hs.api('/crm/v3/objects/calls/batch/create', { body: { inputs } });
    const found = await hs.api('/crm/v3/objects/calls/search', {
      body: {
        filterGroups: [
          { filters: [{ propertyName: 'ai_call_attempt_id', operator: 'EQ', value: 'a-1' }] },
          {
            filters: [
              { propertyName: 'hs_call_status', operator: 'EQ', value: 'COMPLETED' },
              { propertyName: 'ai_call_attempt_id', operator: 'IN', values: ['a-2', 'a-3'] },
            ],
          },
        ],
        properties: ['ai_call_attempt_id', 'hs_call_recording_url'],
      },
    });
    expect(arrayAt(found.body, 'results').map((r) => at(r, 'properties', 'ai_call_attempt_id'))).toEqual([
      'a-1',
      'a-3',
    ]);
    // A requested property the call has no value for comes back as null.
    expect(at(found.body, 'results', 0, 'properties', 'hs_call_recording_url')).toBeNull();
  });

  it('refuses searches HubSpot refuses, and those the sandbox cannot answer faithfully', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    await setUpCallsProperty(hs);
    const tooManyGroups = Array.from({ length: 6 }, () => searchIn(['x']).filterGroups[0]);
    const refused = [
      searchIn(['x'], { limit: 201 }),
      searchIn(['x'], { filterGroups: tooManyGroups }),
      searchIn(['x'], { after: '10000' }),
      {
        filterGroups: [{ filters: [{ propertyName: 'no_such_property', operator: 'EQ', value: 'x' }] }],
      },
      { filterGroups: [{ filters: [{ propertyName: 'hs_call_duration', operator: 'GT', value: '1' }] }] },
      searchIn(['x'], { sorts: [{ propertyName: 'hs_createdate', direction: 'DESCENDING' }] }),
    ];
    for (const body of refused) {
      const answer = await hs.api('/crm/v3/objects/calls/search', { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
  });

  it('leaves a new call out of search results until the index lag has passed, when one is set', async () => {
    let now = Date.parse('2026-03-01T15:00:00.000Z');
    const hs = await startHubSpotHarness({ clock: { now: () => now }, searchLagMs: 5_000 });
    h = hs;
    await setUpCallsProperty(hs);
    expect((await hs.api('/crm/v3/objects/calls', { body: call('a-1') })).status).toBe(201);
    const search = () => hs.api('/crm/v3/objects/calls/search', { body: searchIn(['a-1']) });

    expect((await search()).body).toEqual({ total: 0, results: [] });
    now += 5_000;
    expect((await search()).body).toMatchObject({ total: 1 });
  });
});
