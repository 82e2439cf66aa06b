import { sampleContactSchema } from '@fundraising/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestService, startApiTestService } from './api-service.js';

let t: ApiTestService;

beforeAll(async () => {
  t = await startApiTestService();
});
afterAll(async () => {
  await t.stop();
});

describe("a list's sample contact (the wizard's rendered first message)", () => {
  it('answers the first member of the list with the asked properties, null where HubSpot has none', async () => {
    const listId = t.demo.lists.find((l) => l.size === 20)?.listId;
    const answer = await t.portalA.get(
      `/api/hubspot/lists/${listId}/sample-contact?properties=firstname,last_gift_amount,no_such_property`,
    );
    expect(answer.status).toBe(200);
    const sample = sampleContactSchema.parse(answer.body);
    expect(sample.contactId).toMatch(/^\d+$/);
    expect(Object.keys(sample.properties).sort()).toEqual([
      'firstname',
      'last_gift_amount',
      'no_such_property',
    ]);
    expect(sample.properties.firstname).toEqual(expect.any(String));
    expect(sample.properties.no_such_property).toBeNull();
  });

  it('is a 404 for a list the portal does not have, and a 400 naming the field for a malformed one', async () => {
    const unknown = await t.portalA.get('/api/hubspot/lists/999999/sample-contact?properties=firstname');
    expect(unknown.status).toBe(404);
    // List ids are per portal in HubSpot: the service asks the caller's own portal, so an id is always its own.
    const listId = t.demo.lists[0]?.listId;
    const malformed = await t.portalA.get('/api/hubspot/lists/abc/sample-contact');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('listId');
    const badProperty = await t.portalA.get(`/api/hubspot/lists/${listId}/sample-contact?properties=a%20b`);
    expect(badProperty.status).toBe(400);
    expect(badProperty.body.error.field).toBe('properties');
  });
});
