import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/hubspot/errors.js';
import { HUBSPOT, PORTAL_ID, TOKEN, testClients } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const api = () => nock(HUBSPOT).matchHeader('authorization', `Bearer ${TOKEN}`);
const portal = () => testClients().forPortal(PORTAL_ID);

const attemptIds = ['0b7c9d2e-1111-4a4a-8b8b-000000000001', '0b7c9d2e-1111-4a4a-8b8b-000000000002'];

const searchBody = (after?: string) => ({
  filterGroups: [{ filters: [{ propertyName: 'ai_call_attempt_id', operator: 'IN', values: attemptIds }] }],
  properties: ['ai_call_attempt_id'],
  limit: 200,
  ...(after === undefined ? {} : { after }),
});

const found = (id: string, attemptId: string) => ({
  id,
  properties: {
    ai_call_attempt_id: attemptId,
    hs_createdate: '2026-03-01T10:00:00.000Z',
    hs_lastmodifieddate: '2026-03-01T10:00:00.000Z',
    hs_object_id: id,
  },
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  archived: false,
});

describe('calls property setup', () => {
  it('creates the group and properties on the calls object, leaving existing ones alone', async () => {
    api()
      .post('/crm/v3/properties/calls/groups', {
        name: 'ai_fundraising',
        label: 'AI fundraising calls',
        displayOrder: -1,
      })
      .reply(201, {
        name: 'ai_fundraising',
        label: 'AI fundraising calls',
        displayOrder: -1,
        archived: false,
      });
    api()
      .post('/crm/v3/properties/calls', {
        name: 'ai_call_attempt_id',
        label: 'AI call attempt id',
        type: 'string',
        fieldType: 'text',
        groupName: 'ai_fundraising',
      })
      .reply(409, {
        status: 'error',
        message: 'Property named ai_call_attempt_id already exists',
        correlationId: 'x',
        category: 'OBJECT_ALREADY_EXISTS',
      });
    const result = await portal().ensureCallProperties(
      { name: 'ai_fundraising', label: 'AI fundraising calls' },
      [{ name: 'ai_call_attempt_id', label: 'AI call attempt id', type: 'string', fieldType: 'text' }],
    );
    expect(result).toEqual({ groupCreated: true, created: [] });
  });
});

describe('finding calls by a property value', () => {
  it('searches calls with an IN filter and follows the pages', async () => {
    api()
      .post('/crm/v3/objects/calls/search', searchBody())
      .reply(200, {
        total: 3,
        results: [found('7001', attemptIds[0] ?? '')],
        paging: { next: { after: '1' } },
      });
    api()
      .post('/crm/v3/objects/calls/search', searchBody('1'))
      .reply(200, {
        total: 3,
        results: [found('7002', attemptIds[1] ?? ''), found('7003', attemptIds[1] ?? '')],
      });
    await expect(portal().findCallsByProperty('ai_call_attempt_id', attemptIds)).resolves.toEqual([
      { id: '7001', value: attemptIds[0] },
      { id: '7002', value: attemptIds[1] },
      { id: '7003', value: attemptIds[1] },
    ]);
  });

  it('retries the search after a 502, since reading twice is harmless', async () => {
    api().post('/crm/v3/objects/calls/search', searchBody()).reply(502, 'Bad Gateway');
    api().post('/crm/v3/objects/calls/search', searchBody()).reply(200, { total: 0, results: [] });
    await expect(portal().findCallsByProperty('ai_call_attempt_id', attemptIds)).resolves.toEqual([]);
  });

  it('reports a search HubSpot refuses as an error, not as "no such call"', async () => {
    api().post('/crm/v3/objects/calls/search', searchBody()).reply(400, {
      status: 'error',
      message: 'There was a problem with the request.',
      correlationId: 'x',
      category: 'VALIDATION_ERROR',
    });
    const error = await portal()
      .findCallsByProperty('ai_call_attempt_id', attemptIds)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({ status: 400, category: 'VALIDATION_ERROR' });
  });

  it('asks nothing for no values and refuses more than 100', async () => {
    await expect(portal().findCallsByProperty('ai_call_attempt_id', [])).resolves.toEqual([]);
    const many = Array.from({ length: 101 }, (_, i) => String(i));
    await expect(portal().findCallsByProperty('ai_call_attempt_id', many)).rejects.toThrow(RangeError);
  });
});
