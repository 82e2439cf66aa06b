import { type HubSpotTransport, parseResponse } from './transport.js';
import {
  CONTACT_OBJECT_TYPE_ID,
  type FoundCall,
  type HubSpotPortalClient,
  type PropertyDefinition,
} from './types.js';
import {
  appEventBody,
  batchResponse,
  callCreateInput,
  expandBatchErrors,
  listFetchResponse,
  listSearchResponse,
  membershipsResponse,
  propertyCreateBody,
  searchResponse,
  toListSummary,
} from './wire-format.js';

/** HubSpot's cap on inputs per batch call (the SDK's DEFAULT_OBJECTS_LIMIT). */
export const BATCH_LIMIT = 100;
export const MEMBERSHIPS_PAGE_LIMIT = 250;
/** The CRM search API's largest page. */
const SEARCH_PAGE_LIMIT = 200;

function assertBatchSize(what: string, count: number): void {
  if (count > BATCH_LIMIT) throw new RangeError(`${what}: at most ${BATCH_LIMIT} per call, got ${count}`);
}

/** The per-portal client: each method is one (or a few) HubSpot calls through the portal's transport. */
export function createPortalClient(portalId: number, transport: HubSpotTransport): HubSpotPortalClient {
  const segment = (id: string) => encodeURIComponent(id);

  /** Idempotent: an existing group or property (409) is left exactly as it is. */
  const ensureProperties = async (
    objectType: 'contacts' | 'calls',
    group: { name: string; label: string },
    properties: readonly PropertyDefinition[],
  ): Promise<{ groupCreated: boolean; created: string[] }> => {
    const groupResponse = await transport.request({
      method: 'POST',
      path: `/crm/v3/properties/${objectType}/groups`,
      json: { name: group.name, label: group.label, displayOrder: -1 },
      accept: [409],
    });
    const created: string[] = [];
    for (const property of properties) {
      const response = await transport.request({
        method: 'POST',
        path: `/crm/v3/properties/${objectType}`,
        json: propertyCreateBody(property, group.name),
        accept: [409],
      });
      if (response.status !== 409) created.push(property.name);
    }
    return { groupCreated: groupResponse.status !== 409, created };
  };

  return {
    portalId,

    async searchLists(q) {
      const path = '/crm/v3/lists/search';
      const response = await transport.request({
        method: 'POST',
        path,
        json: {
          query: q.query ?? '',
          offset: q.offset ?? 0,
          count: q.count ?? 20,
          additionalProperties: ['hs_list_size'],
        },
      });
      const body = parseResponse(listSearchResponse, response, { method: 'POST', path });
      return {
        // The v3 search request has no object-type filter, so lists of other objects are dropped here.
        lists: body.lists.filter((l) => l.objectTypeId === CONTACT_OBJECT_TYPE_ID).map(toListSummary),
        hasMore: body.hasMore,
        offset: body.offset,
      };
    },

    async getList(listId) {
      const path = `/crm/v3/lists/${segment(listId)}`;
      const response = await transport.request({ method: 'GET', path, accept: [404] });
      if (response.status === 404) return null;
      return toListSummary(parseResponse(listFetchResponse, response, { method: 'GET', path }).list);
    },

    async getListMembershipsPage(listId, after, limit = MEMBERSHIPS_PAGE_LIMIT) {
      const path = `/crm/v3/lists/${segment(listId)}/memberships`;
      const pageSize = Math.max(1, Math.min(MEMBERSHIPS_PAGE_LIMIT, Math.floor(limit)));
      const response = await transport.request({
        method: 'GET',
        path,
        query: { limit: String(pageSize), ...(after === undefined ? {} : { after }) },
      });
      const body = parseResponse(membershipsResponse, response, { method: 'GET', path });
      return {
        recordIds: body.results.map((r) => r.recordId),
        after: body.paging?.next?.after ?? null,
        total: body.total ?? null,
      };
    },

    async batchReadContacts(ids, properties) {
      assertBatchSize('batchReadContacts', ids.length);
      if (ids.length === 0) return { contacts: [], missingIds: [] };
      const path = '/crm/v3/objects/contacts/batch/read';
      const response = await transport.request({
        method: 'POST',
        path,
        json: { properties, propertiesWithHistory: [], inputs: ids.map((id) => ({ id })) },
      });
      const body = parseResponse(batchResponse, response, { method: 'POST', path });
      const contacts = body.results.map((r) => ({ id: r.id, properties: r.properties ?? {} }));
      const found = new Set(contacts.map((c) => c.id));
      // A 207 lists the ids it could not read in its errors; anything absent from results is missing either way.
      return { contacts, missingIds: [...new Set(ids.filter((id) => !found.has(id)))] };
    },

    async batchUpdateContacts(inputs) {
      assertBatchSize('batchUpdateContacts', inputs.length);
      if (inputs.length === 0) return { updated: [], errors: [] };
      const path = '/crm/v3/objects/contacts/batch/update';
      const response = await transport.request({
        method: 'POST',
        path,
        json: { inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) },
      });
      const body = parseResponse(batchResponse, response, { method: 'POST', path });
      return { updated: body.results.map((r) => r.id), errors: expandBatchErrors(body.errors) };
    },

    ensureContactProperties(group, properties) {
      return ensureProperties('contacts', group, properties);
    },

    ensureCallProperties(group, properties) {
      return ensureProperties('calls', group, properties);
    },

    async findCallsByProperty(propertyName, values) {
      assertBatchSize('findCallsByProperty', values.length);
      if (values.length === 0) return [];
      const path = '/crm/v3/objects/calls/search';
      const found: FoundCall[] = [];
      let after: string | undefined;
      do {
        const response = await transport.request({
          method: 'POST',
          path,
          json: {
            filterGroups: [{ filters: [{ propertyName, operator: 'IN', values }] }],
            properties: [propertyName],
            limit: SEARCH_PAGE_LIMIT,
            ...(after === undefined ? {} : { after }),
          },
        });
        const body = parseResponse(searchResponse, response, { method: 'POST', path });
        for (const r of body.results) {
          const value = r.properties?.[propertyName];
          if (typeof value === 'string') found.push({ id: r.id, value });
        }
        after = body.paging?.next?.after;
      } while (after !== undefined);
      return found;
    },

    async createCalls(calls) {
      assertBatchSize('createCalls', calls.length);
      if (calls.length === 0) return { ids: [], created: [], errors: [] };
      const path = '/crm/v3/objects/calls/batch/create';
      const response = await transport.request({
        method: 'POST',
        path,
        idempotent: false,
        json: { inputs: calls.map(callCreateInput) },
      });
      const body = parseResponse(batchResponse, response, { method: 'POST', path });
      // Results are not promised in input order; the echoed trace id maps each back to its input.
      const byKey = new Map<string, string>();
      for (const r of body.results)
        if (r.objectWriteTraceId !== undefined) byKey.set(r.objectWriteTraceId, r.id);
      const created = calls.flatMap((c) => {
        const id = byKey.get(c.idempotencyKey);
        return id === undefined ? [] : [{ idempotencyKey: c.idempotencyKey, id }];
      });
      return { ids: body.results.map((r) => r.id), created, errors: expandBatchErrors(body.errors) };
    },

    async sendAppEvents(events) {
      // HubSpot documents the single-occurrence endpoint; the deterministic id makes a re-send a 409, not a copy.
      for (const event of events) {
        await transport.request({
          method: 'POST',
          path: '/integrators/timeline/v4/events',
          json: appEventBody(event),
          accept: [409],
        });
      }
    },

    async completeWorkflowCallbacks(callbacks) {
      for (let i = 0; i < callbacks.length; i += BATCH_LIMIT) {
        const chunk = callbacks.slice(i, i + BATCH_LIMIT);
        await transport.request({
          method: 'POST',
          path: '/automation/v4/actions/callbacks/complete',
          json: { inputs: chunk.map((c) => ({ callbackId: c.callbackId, outputFields: c.outputFields })) },
        });
      }
    },
  };
}
