import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PORTAL_ID } from '../../src/sandbox/demo-portal.js';
import { demoPortal, type HubSpotHarness, startHubSpotHarness } from './hubspot-harness.js';
import { arrayAt, at } from './json-path.js';

let h: HubSpotHarness | undefined;
afterEach(async () => {
  await h?.fake.stop();
  h = undefined;
});

async function walkMemberships(hs: HubSpotHarness, listId: string, limit: number): Promise<unknown[]> {
  const pages: unknown[] = [];
  let after: string | undefined;
  do {
    const query = `limit=${limit}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
    const { body } = await hs.api(`/crm/v3/lists/${listId}/memberships?${query}`);
    pages.push(body);
    const next = at(body, 'paging', 'next', 'after');
    after = typeof next === 'string' ? next : undefined;
  } while (after !== undefined);
  return pages;
}

describe('fake HubSpot: lists', () => {
  it('walks the 250-contact list completely in three pages of 100, the last without paging', async () => {
    h = await startHubSpotHarness();
    const pages = await walkMemberships(h, '101', 100);
    expect(pages.map((p) => arrayAt(p, 'results').length)).toEqual([100, 100, 50]);
    expect(at(pages[2], 'paging')).toBeUndefined();
    expect(at(pages[0], 'total')).toBe(250);
    const ids = pages.flatMap((p) => arrayAt(p, 'results').map((r) => at(r, 'recordId')));
    expect(new Set(ids).size).toBe(250);
    expect(at(pages[0], 'results', 0)).toEqual({
      recordId: '10001',
      membershipTimestamp: expect.any(String),
    });
  });

  it('pages the 100,000-contact list lazily, to its last member', async () => {
    h = await startHubSpotHarness();
    const pages = await walkMemberships(h, '103', 250);
    const ids = pages.flatMap((p) => arrayAt(p, 'results').map((r) => at(r, 'recordId')));
    expect(pages).toHaveLength(400);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(ids.at(-1)).toBe('1100000');
  });

  it('refuses a page larger than 250, and answers an unknown list with a 404 body', async () => {
    h = await startHubSpotHarness();
    expect((await h.api('/crm/v3/lists/101/memberships?limit=251')).status).toBe(400);
    const missing = await h.api('/crm/v3/lists/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      correlationId: expect.any(String),
    });
  });

  it('searches lists by name and returns one by id', async () => {
    h = await startHubSpotHarness();
    const found = await h.api('/crm/v3/lists/search', {
      body: { query: 'spring', processingTypes: ['MANUAL'] },
    });
    expect(found.body).toMatchObject({
      total: 1,
      hasMore: false,
      lists: [{ listId: '101', additionalProperties: { hs_list_size: '250' } }],
    });
    const list = await h.api('/crm/v3/lists/103');
    expect(list.body).toMatchObject({
      list: { listId: '103', name: 'Lapsed donors (100k)', size: 100_000, objectTypeId: '0-1' },
    });
  });
});

describe('fake HubSpot: contacts', () => {
  it('answers a batch read with missing ids with 207 and the ids in errors', async () => {
    h = await startHubSpotHarness();
    const res = await h.api('/crm/v3/objects/contacts/batch/read', {
      body: {
        inputs: [{ id: '10001' }, { id: '10002' }, { id: '999999999' }],
        properties: ['firstname', 'phone', 'hs_timezone'],
      },
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({
      status: 'COMPLETE',
      numErrors: 1,
      errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['999999999'] } }],
    });
    expect(arrayAt(res.body, 'results')).toHaveLength(2);
    expect(Object.keys(at(res.body, 'results', 0, 'properties') as object).sort()).toEqual(
      ['createdate', 'firstname', 'hs_object_id', 'hs_timezone', 'lastmodifieddate', 'phone'].sort(),
    );
    const all = await h.api('/crm/v3/objects/contacts/batch/read', {
      body: { inputs: [{ id: '10001' }], properties: ['phone'] },
    });
    expect(all.status).toBe(200);
  });

  it('refuses more than 100 inputs in a batch', async () => {
    h = await startHubSpotHarness();
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(10_001 + i) }));
    const res = await h.api('/crm/v3/objects/contacts/batch/read', { body: { inputs } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR' });
  });

  it('keeps property writes and returns them on later reads, once the property exists', async () => {
    const hs = await startHubSpotHarness();
    h = hs;
    const write = (properties: Record<string, unknown>) =>
      hs.api('/crm/v3/objects/contacts/batch/update', { body: { inputs: [{ id: '10005', properties }] } });

    const unknown = await write({ last_ai_call_outcome: 'pledged' });
    expect(unknown.status).toBe(400);
    expect(String(at(unknown.body, 'message'))).toContain('PROPERTY_DOESNT_EXIST');

    const group = { name: 'ai_fundraising_calls', label: 'AI fundraising calls', displayOrder: -1 };
    expect((await hs.api('/crm/v3/properties/contacts/groups', { body: group })).status).toBe(201);
    expect((await hs.api('/crm/v3/properties/contacts/groups', { body: group })).status).toBe(409);
    const property = {
      name: 'last_ai_call_outcome',
      label: 'Last AI call outcome',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'ai_fundraising_calls',
      options: [
        { label: 'Pledged', value: 'pledged' },
        { label: 'Declined', value: 'declined' },
      ],
    };
    expect((await hs.api('/crm/v3/properties/contacts', { body: property })).status).toBe(201);
    const again = await hs.api('/crm/v3/properties/contacts', { body: property });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS' });
    expect(at((await hs.api('/crm/v3/properties/contacts/last_ai_call_outcome')).body, 'type')).toBe(
      'enumeration',
    );

    expect((await write({ last_ai_call_outcome: 'maybe' })).status).toBe(400);
    expect((await write({ fundraising_do_not_call: 'perhaps' })).status).toBe(400);
    const ok = await write({ last_ai_call_outcome: 'pledged', fundraising_do_not_call: true });
    expect(ok.status).toBe(200);
    expect(at(ok.body, 'results', 0, 'properties')).toMatchObject({
      last_ai_call_outcome: 'pledged',
      fundraising_do_not_call: 'true',
    });

    const read = await hs.api('/crm/v3/objects/contacts/batch/read', {
      body: {
        inputs: [{ id: '10005' }],
        properties: ['last_ai_call_outcome', 'fundraising_do_not_call', 'firstname'],
      },
    });
    expect(at(read.body, 'results', 0, 'properties')).toMatchObject({
      last_ai_call_outcome: 'pledged',
      fundraising_do_not_call: 'true',
      firstname: demoPortal.contact('10005')?.properties.firstname,
    });
    expect(hs.fake.record.propertyWrites).toEqual([
      expect.objectContaining({
        portalId: DEMO_PORTAL_ID,
        contactId: '10005',
        properties: { last_ai_call_outcome: 'pledged', fundraising_do_not_call: 'true' },
      }),
    ]);
    expect(hs.fake.record.schemaChanges.map((c) => c.name)).toEqual([
      'ai_fundraising_calls',
      'last_ai_call_outcome',
    ]);
    expect(hs.fake.contact(DEMO_PORTAL_ID, '10005')).toMatchObject({ last_ai_call_outcome: 'pledged' });
  });
});
