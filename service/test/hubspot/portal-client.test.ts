import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/hubspot/errors.js';
import type { CallEngagementInput } from '../../src/hubspot/types.js';
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

describe('lists', () => {
  it('searches lists and keeps only contact lists, with their size', async () => {
    api()
      .post('/crm/v3/lists/search', {
        query: 'spring',
        offset: 0,
        count: 20,
        additionalProperties: ['hs_list_size'],
      })
      .reply(200, {
        offset: 20,
        hasMore: true,
        total: 31,
        lists: [
          {
            listId: '187',
            name: 'Spring donors',
            processingType: 'MANUAL',
            objectTypeId: '0-1',
            processingStatus: 'COMPLETE',
            listVersion: 3,
            additionalProperties: { hs_list_size: '1420' },
          },
          {
            listId: '188',
            name: 'Spring companies',
            processingType: 'DYNAMIC',
            objectTypeId: '0-2',
            processingStatus: 'COMPLETE',
            listVersion: 1,
            additionalProperties: {},
          },
        ],
      });
    const page = await portal().searchLists({ query: 'spring' });
    expect(page).toEqual({
      lists: [
        { listId: '187', name: 'Spring donors', processingType: 'MANUAL', objectTypeId: '0-1', size: 1420 },
      ],
      hasMore: true,
      offset: 20,
    });
  });

  it('passes offset and count through for the next page', async () => {
    api()
      .post('/crm/v3/lists/search', {
        query: '',
        offset: 40,
        count: 50,
        additionalProperties: ['hs_list_size'],
      })
      .reply(200, { offset: 90, hasMore: false, total: 90, lists: [] });
    await expect(portal().searchLists({ offset: 40, count: 50 })).resolves.toEqual({
      lists: [],
      hasMore: false,
      offset: 90,
    });
  });

  it('gets a list by id', async () => {
    api()
      .get('/crm/v3/lists/187')
      .reply(200, {
        list: {
          listId: '187',
          name: 'Spring donors',
          processingType: 'SNAPSHOT',
          objectTypeId: '0-1',
          processingStatus: 'COMPLETE',
          listVersion: 2,
          size: 250,
        },
      });
    await expect(portal().getList('187')).resolves.toEqual({
      listId: '187',
      name: 'Spring donors',
      processingType: 'SNAPSHOT',
      objectTypeId: '0-1',
      size: 250,
    });
  });

  it('answers null for a list HubSpot does not know (404), without retrying', async () => {
    api().get('/crm/v3/lists/999').once().reply(404, {
      status: 'error',
      message: 'List does not exist with id 999',
      correlationId: 'abc',
      category: 'OBJECT_NOT_FOUND',
    });
    await expect(portal().getList('999')).resolves.toBeNull();
  });

  it('escapes a list id so it cannot reach another path', async () => {
    api().get('/crm/v3/lists/..%2Fsearch').reply(404, { status: 'error', message: 'not found' });
    await expect(portal().getList('../search')).resolves.toBeNull();
  });

  it('pages through memberships with the after cursor, 250 at a time', async () => {
    api()
      .get('/crm/v3/lists/187/memberships')
      .query({ limit: '250' })
      .reply(200, {
        results: [
          { recordId: '901234', membershipTimestamp: '2025-09-12T10:01:00.000Z' },
          { recordId: '901240', membershipTimestamp: '2025-09-12T10:01:00.000Z' },
        ],
        paging: { next: { after: 'AoJ4Ym9ndXNhZnRlcg==' } },
        total: 3,
      });
    api()
      .get('/crm/v3/lists/187/memberships')
      .query({ limit: '250', after: 'AoJ4Ym9ndXNhZnRlcg==' })
      .reply(200, { results: [{ recordId: '901251', membershipTimestamp: '2025-09-13T08:45:10.000Z' }] });

    const client = portal();
    const first = await client.getListMembershipsPage('187');
    expect(first).toEqual({ recordIds: ['901234', '901240'], after: 'AoJ4Ym9ndXNhZnRlcg==', total: 3 });
    const last = await client.getListMembershipsPage('187', first.after ?? undefined);
    expect(last).toEqual({ recordIds: ['901251'], after: null, total: null });
  });

  it("reports the list's size from a memberships page's total, and null for a total it cannot use", async () => {
    api()
      .get('/crm/v3/lists/187/memberships')
      .query({ limit: '250' })
      .reply(200, {
        results: [{ recordId: '901234', membershipTimestamp: '2025-09-12T10:01:00.000Z' }],
        paging: { next: { after: 'AoJ4Ym9ndXNhZnRlcg==' } },
        total: 1420,
      });
    api()
      .get('/crm/v3/lists/187/memberships')
      .query({ limit: '250', after: 'AoJ4Ym9ndXNhZnRlcg==' })
      .reply(200, {
        results: [{ recordId: '901251', membershipTimestamp: '2025-09-13T08:45:10.000Z' }],
        total: 'lots',
      });

    const client = portal();
    const first = await client.getListMembershipsPage('187');
    expect(first.total).toBe(1420);
    const last = await client.getListMembershipsPage('187', first.after ?? undefined);
    expect(last).toEqual({ recordIds: ['901251'], after: null, total: null });
  });

  it('caps a memberships page at 250', async () => {
    api().get('/crm/v3/lists/187/memberships').query({ limit: '250' }).reply(200, { results: [] });
    await portal().getListMembershipsPage('187', undefined, 1000);
  });
});

describe('contacts', () => {
  const properties = ['firstname', 'phone', 'hs_timezone'];

  it('batch-reads contacts', async () => {
    api()
      .post('/crm/v3/objects/contacts/batch/read', {
        properties,
        propertiesWithHistory: [],
        inputs: [{ id: '101' }, { id: '102' }],
      })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          { id: '101', properties: { firstname: 'Ada', phone: '+15551234567', hs_timezone: null } },
          {
            id: '102',
            properties: { firstname: 'Grace', phone: null, hs_timezone: 'america_slash_new_york' },
          },
        ],
        startedAt: '2025-10-01T15:04:05.000Z',
        completedAt: '2025-10-01T15:04:05.100Z',
      });
    const read = await portal().batchReadContacts(['101', '102'], properties);
    expect(read).toEqual({
      contacts: [
        { id: '101', properties: { firstname: 'Ada', phone: '+15551234567', hs_timezone: null } },
        { id: '102', properties: { firstname: 'Grace', phone: null, hs_timezone: 'america_slash_new_york' } },
      ],
      missingIds: [],
    });
  });

  it('reports the ids a 207 partial read could not return', async () => {
    api()
      .post('/crm/v3/objects/contacts/batch/read', {
        properties,
        propertiesWithHistory: [],
        inputs: [{ id: '101' }, { id: '404' }, { id: '405' }],
      })
      .reply(207, {
        status: 'COMPLETE',
        results: [{ id: '101', properties: { firstname: 'Ada', phone: '+15551234567', hs_timezone: null } }],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some CONTACT objects, they may be deleted or not exist.',
            context: { ids: ['404', '405'] },
          },
        ],
      });
    const read = await portal().batchReadContacts(['101', '404', '405'], properties);
    expect(read.contacts.map((c) => c.id)).toEqual(['101']);
    expect(read.missingIds).toEqual(['404', '405']);
  });

  it('refuses more than 100 ids without calling HubSpot', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(i + 1));
    await expect(portal().batchReadContacts(ids, properties)).rejects.toThrow(RangeError);
  });

  it('batch-updates contacts and reports per-record failures of a 207', async () => {
    api()
      .post('/crm/v3/objects/contacts/batch/update', {
        inputs: [
          {
            id: '101',
            properties: { last_ai_call_outcome: 'pledged', last_ai_call_at: '2025-10-01T15:04:05Z' },
          },
          {
            id: '102',
            properties: { last_ai_call_outcome: 'declined', last_ai_call_at: '2025-10-01T15:09:00Z' },
          },
        ],
      })
      .reply(207, {
        status: 'COMPLETE',
        results: [{ id: '101', properties: { last_ai_call_outcome: 'pledged' } }],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'Property values were not valid',
            context: { ids: ['102'] },
          },
        ],
      });
    const result = await portal().batchUpdateContacts([
      { id: '101', properties: { last_ai_call_outcome: 'pledged', last_ai_call_at: '2025-10-01T15:04:05Z' } },
      {
        id: '102',
        properties: { last_ai_call_outcome: 'declined', last_ai_call_at: '2025-10-01T15:09:00Z' },
      },
    ]);
    expect(result).toEqual({
      updated: ['101'],
      errors: [{ id: '102', message: 'Property values were not valid' }],
    });
  });
});

describe('properties', () => {
  const group = { name: 'fundraising_calls', label: 'Fundraising calls' };
  const outcome = {
    name: 'last_ai_call_outcome',
    label: 'Last AI call outcome',
    type: 'enumeration' as const,
    fieldType: 'select' as const,
    options: [
      { label: 'Pledged', value: 'pledged' },
      { label: 'Declined', value: 'declined' },
    ],
  };
  const attempts = {
    name: 'ai_call_attempts',
    label: 'AI call attempts',
    type: 'number' as const,
    fieldType: 'number' as const,
  };
  const exists = (message: string) => ({
    status: 'error',
    message,
    correlationId: 'x',
    category: 'OBJECT_ALREADY_EXISTS',
  });

  it('leaves an existing group and existing properties alone and creates only the missing ones', async () => {
    api()
      .post('/crm/v3/properties/contacts/groups', {
        name: 'fundraising_calls',
        label: 'Fundraising calls',
        displayOrder: -1,
      })
      .reply(409, exists('A property group with name fundraising_calls already exists'));
    api()
      .post('/crm/v3/properties/contacts', {
        name: 'last_ai_call_outcome',
        label: 'Last AI call outcome',
        type: 'enumeration',
        fieldType: 'select',
        groupName: 'fundraising_calls',
        options: [
          { label: 'Pledged', value: 'pledged', displayOrder: 0, hidden: false },
          { label: 'Declined', value: 'declined', displayOrder: 1, hidden: false },
        ],
      })
      .reply(409, exists('Property named last_ai_call_outcome already exists'));
    api()
      .post('/crm/v3/properties/contacts', {
        name: 'ai_call_attempts',
        label: 'AI call attempts',
        type: 'number',
        fieldType: 'number',
        groupName: 'fundraising_calls',
      })
      .reply(201, {
        name: 'ai_call_attempts',
        label: 'AI call attempts',
        type: 'number',
        fieldType: 'number',
      });

    const result = await portal().ensureContactProperties(group, [outcome, attempts]);
    expect(result).toEqual({ groupCreated: false, created: ['ai_call_attempts'] });
  });

  it('creates the group when it is new', async () => {
    api()
      .post('/crm/v3/properties/contacts/groups', {
        name: 'fundraising_calls',
        label: 'Fundraising calls',
        displayOrder: -1,
      })
      .reply(201, {
        name: 'fundraising_calls',
        label: 'Fundraising calls',
        displayOrder: -1,
        archived: false,
      });
    await expect(portal().ensureContactProperties(group, [])).resolves.toEqual({
      groupCreated: true,
      created: [],
    });
  });
});

describe('calls, app events and workflow callbacks', () => {
  const call: CallEngagementInput = {
    idempotencyKey: 'attempt-7f3a',
    contactId: '101',
    timestamp: new Date('2025-10-01T15:04:05.000Z'),
    title: 'Spring appeal call',
    body: 'Pledged $50, send card',
    status: 'COMPLETED',
    durationMs: 183_000,
    toNumber: '+15551234567',
    fromNumber: '+15557654321',
    recordingUrl: 'https://example.org/rec/abc.mp3',
    direction: 'OUTBOUND',
  };

  it('creates Calls engagements associated to their contacts (type 194) and maps ids back to our keys', async () => {
    api()
      .post('/crm/v3/objects/calls/batch/create', {
        inputs: [
          {
            properties: {
              hs_timestamp: '2025-10-01T15:04:05.000Z',
              hs_call_title: 'Spring appeal call',
              hs_call_body: 'Pledged $50, send card',
              hs_call_direction: 'OUTBOUND',
              hs_call_status: 'COMPLETED',
              hs_call_duration: '183000',
              hs_call_to_number: '+15551234567',
              hs_call_from_number: '+15557654321',
              hs_call_recording_url: 'https://example.org/rec/abc.mp3',
            },
            associations: [
              {
                to: { id: '101' },
                types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }],
              },
            ],
            objectWriteTraceId: 'attempt-7f3a',
          },
          {
            properties: {
              hs_timestamp: '2025-10-01T16:00:00.000Z',
              hs_call_title: 'Spring appeal call',
              hs_call_body: 'No answer',
              hs_call_direction: 'OUTBOUND',
              hs_call_status: 'NO_ANSWER',
              hs_call_duration: '0',
              hs_call_to_number: '+15550001111',
              hs_call_from_number: '+15557654321',
            },
            associations: [
              {
                to: { id: '102' },
                types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }],
              },
            ],
            objectWriteTraceId: 'attempt-8b1c',
          },
        ],
      })
      .reply(201, {
        status: 'COMPLETE',
        // Not in input order: the trace ids say which is which.
        results: [
          { id: '5002', objectWriteTraceId: 'attempt-8b1c', properties: {} },
          { id: '5001', objectWriteTraceId: 'attempt-7f3a', properties: {} },
        ],
      });
    const second: CallEngagementInput = {
      ...call,
      idempotencyKey: 'attempt-8b1c',
      contactId: '102',
      timestamp: new Date('2025-10-01T16:00:00.000Z'),
      body: 'No answer',
      status: 'NO_ANSWER',
      durationMs: 0,
      toNumber: '+15550001111',
      recordingUrl: undefined,
    };
    const result = await portal().createCalls([call, second]);
    expect(result).toEqual({
      ids: ['5002', '5001'],
      created: [
        { idempotencyKey: 'attempt-7f3a', id: '5001' },
        { idempotencyKey: 'attempt-8b1c', id: '5002' },
      ],
      errors: [],
    });
  });

  it('reports which calls a 207 did not create', async () => {
    api()
      .post('/crm/v3/objects/calls/batch/create')
      .reply(207, {
        status: 'COMPLETE',
        results: [{ id: '5001', objectWriteTraceId: 'attempt-7f3a', properties: {} }],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: 'No contact with id 999 exists',
            context: { ids: ['999'] },
          },
        ],
      });
    const result = await portal().createCalls([
      call,
      { ...call, idempotencyKey: 'attempt-x', contactId: '999' },
    ]);
    expect(result).toEqual({
      ids: ['5001'],
      created: [{ idempotencyKey: 'attempt-7f3a', id: '5001' }],
      errors: [{ id: '999', message: 'No contact with id 999 exists' }],
    });
  });

  it('does not repeat a Calls create after a 502, since HubSpot may have created them', async () => {
    api().post('/crm/v3/objects/calls/batch/create').once().reply(502, 'Bad Gateway');
    const error = await portal()
      .createCalls([call])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({ status: 502, outcomeUnknown: true });
  });

  it('sends app-event occurrences with their deterministic ids, one request each', async () => {
    api()
      .post('/integrators/timeline/v4/events', {
        eventTypeName: 'ae1234567_fundraising-call',
        objectId: '101',
        id: 'spring-2025-101-1',
        timestamp: '2025-10-01T15:07:12.000Z',
        properties: { outcome: 'pledged', durationSeconds: 183 },
      })
      .reply(204);
    api()
      .post('/integrators/timeline/v4/events', {
        eventTypeName: 'ae1234567_fundraising-call',
        objectId: '102',
        id: 'spring-2025-102-1',
        properties: { outcome: 'no_answer', durationSeconds: 0 },
      })
      // Already sent on an earlier run: immutable occurrences answer a duplicate id with a conflict.
      .reply(409, {
        status: 'error',
        message: 'Event with id spring-2025-102-1 already exists',
        category: 'CONFLICT',
      });
    await portal().sendAppEvents([
      {
        eventTypeName: 'ae1234567_fundraising-call',
        objectId: '101',
        id: 'spring-2025-101-1',
        timestamp: '2025-10-01T15:07:12.000Z',
        properties: { outcome: 'pledged', durationSeconds: 183 },
      },
      {
        eventTypeName: 'ae1234567_fundraising-call',
        objectId: '102',
        id: 'spring-2025-102-1',
        properties: { outcome: 'no_answer', durationSeconds: 0 },
      },
    ]);
  });

  it('completes workflow callbacks with the batch endpoint', async () => {
    api()
      .post('/automation/v4/actions/callbacks/complete', {
        inputs: [
          {
            callbackId: 'ap-44556677-9988776655-3-0',
            outputFields: { hs_execution_state: 'SUCCESS', call_outcome: 'pledged', pledge_amount: '50' },
          },
          {
            callbackId: 'ap-44556677-9988776655-4-0',
            outputFields: { hs_execution_state: 'SUCCESS', call_outcome: 'no_answer' },
          },
        ],
      })
      .reply(204);
    await portal().completeWorkflowCallbacks([
      {
        callbackId: 'ap-44556677-9988776655-3-0',
        outputFields: { hs_execution_state: 'SUCCESS', call_outcome: 'pledged', pledge_amount: '50' },
      },
      {
        callbackId: 'ap-44556677-9988776655-4-0',
        outputFields: { hs_execution_state: 'SUCCESS', call_outcome: 'no_answer' },
      },
    ]);
  });

  it('splits more than 100 callbacks into requests of 100', async () => {
    const callbacks = Array.from({ length: 150 }, (_, i) => ({
      callbackId: `ap-1-2-${i}-0`,
      outputFields: { hs_execution_state: 'SUCCESS' },
    }));
    api()
      .post('/automation/v4/actions/callbacks/complete', { inputs: callbacks.slice(0, 100) })
      .reply(204);
    api()
      .post('/automation/v4/actions/callbacks/complete', { inputs: callbacks.slice(100) })
      .reply(204);
    await portal().completeWorkflowCallbacks(callbacks);
  });
});
