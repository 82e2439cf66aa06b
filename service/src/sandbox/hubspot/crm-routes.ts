import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ContactProperties, DemoList } from '../demo-portal.js';
import { isoAt } from '../http-server.js';
import { hubspotError, invalidBody, notFoundError, propertyValuesError, tooManyInputs } from './errors.js';
import { coerceValue } from './properties.js';
import { type HubSpotContext, type PortalState, portalOf } from './state.js';

/** Lists (search, fetch, memberships) and contacts (batch read, batch update) in HubSpot's v3 shapes. */

const BATCH_LIMIT = 100;
const MEMBERSHIP_LIMIT_MAX = 250;

const listSearchSchema = z.object({
  query: z.string().optional(),
  processingTypes: z.array(z.string()).optional(),
  listIds: z.array(z.string()).optional(),
  offset: z.number().int().min(0).default(0),
  count: z.number().int().min(1).max(500).default(20),
  additionalProperties: z.array(z.string()).optional(),
  sort: z.string().optional(),
});

const membershipsQuerySchema = z.object({
  after: z.string().optional(),
  before: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MEMBERSHIP_LIMIT_MAX).default(100),
});

const batchReadSchema = z.object({
  inputs: z.array(z.object({ id: z.string().min(1) })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().nullish(),
});

const batchUpdateSchema = z.object({
  inputs: z.array(
    z.object({
      id: z.string().min(1),
      properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      idProperty: z.string().nullish(),
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});

const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'];
const DEFAULT_PROPERTIES = ['firstname', 'lastname', 'email'];

function listWire(list: DemoList) {
  return {
    listId: list.listId,
    name: list.name,
    objectTypeId: '0-1',
    processingType: list.processingType,
    processingStatus: 'COMPLETE',
    listVersion: 1,
    size: list.size,
    createdAt: list.createdAt,
    updatedAt: list.createdAt,
    filtersUpdatedAt: list.createdAt,
    createdById: '1',
    updatedById: '1',
  };
}

function searchResultWire(list: DemoList) {
  const { size, ...rest } = listWire(list);
  const last = size > 0 ? list.memberAt(size - 1).membershipTimestamp : list.createdAt;
  return {
    ...rest,
    additionalProperties: {
      hs_list_size: String(size),
      hs_last_record_added_at: String(Date.parse(last)),
      hs_list_reference_count: '0',
    },
  };
}

function findList(portal: PortalState, listId: string): DemoList | undefined {
  return portal.portal.lists.find((l) => l.listId === listId);
}

const encodeCursor = (index: number) => Buffer.from(`sbx:${index}`).toString('base64');
function decodeCursor(token: string): number | null {
  const match = /^sbx:(\d+)$/.exec(Buffer.from(token, 'base64').toString());
  return match ? Number(match[1]) : null;
}

function contactWire(portal: PortalState, id: string, names: readonly string[]) {
  const contact = portal.contact(id);
  if (!contact) return undefined;
  const properties: ContactProperties = {};
  for (const name of [...names, ...ALWAYS_RETURNED]) properties[name] = contact.properties[name] ?? null;
  return { id, properties, createdAt: contact.createdAt, updatedAt: contact.updatedAt, archived: false };
}

/** HubSpot answers a batch with some unknown ids with 207 and the missing ids in `errors`. */
function batchResponse(
  res: Response,
  startedAt: string,
  results: unknown[],
  missing: string[],
  objectType: string,
) {
  // The fake answers at once: completion time is the start time.
  const completedAt = startedAt;
  if (missing.length === 0) return res.json({ status: 'COMPLETE', results, startedAt, completedAt });
  return res.status(207).json({
    status: 'COMPLETE',
    results,
    numErrors: 1,
    errors: [
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: `Could not get some ${objectType} objects, they may be deleted or not exist. Check that ids are valid.`,
        context: { ids: missing },
      },
    ],
    startedAt,
    completedAt,
  });
}

function memberships(req: Request, res: Response) {
  const portal = portalOf(res);
  const list = findList(portal, String(req.params.listId));
  if (!list) return notFoundError(res, `List does not exist with listId ${req.params.listId}.`);
  const parsed = membershipsQuerySchema.safeParse(req.query);
  if (!parsed.success) return invalidBody(res, parsed.error);
  const { after, before, limit } = parsed.data;
  let start = 0;
  if (after !== undefined || before !== undefined) {
    const cursor = decodeCursor(after ?? before ?? '');
    if (cursor === null) return hubspotError(res, 400, 'VALIDATION_ERROR', 'Invalid paging token.');
    start = after !== undefined ? cursor : Math.max(0, cursor - limit);
  }
  const end = Math.min(list.size, before !== undefined ? (decodeCursor(before) ?? 0) : start + limit);
  const results = [];
  for (let i = start; i < end; i++) results.push(list.memberAt(i));
  // The last page carries no `paging` at all: that is how a client knows it is done.
  const paging = end < list.size ? { paging: { next: { after: encodeCursor(end) } } } : {};
  return res.json({ results, ...paging, total: list.size });
}

export function hubspotCrmRoutes(ctx: HubSpotContext): Router {
  const router = Router();

  router.post('/crm/v3/lists/search', (req, res) => {
    const parsed = listSearchSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const q = parsed.data;
    const query = (q.query ?? '').toLowerCase();
    const matching = portalOf(res).portal.lists.filter(
      (l) =>
        l.name.toLowerCase().includes(query) &&
        (q.processingTypes === undefined || q.processingTypes.includes(l.processingType)) &&
        (q.listIds === undefined || q.listIds.includes(l.listId)),
    );
    const page = matching.slice(q.offset, q.offset + q.count);
    return res.json({
      lists: page.map(searchResultWire),
      total: matching.length,
      offset: q.offset + page.length,
      hasMore: q.offset + page.length < matching.length,
    });
  });

  router.get('/crm/v3/lists/object-type-id/:objectTypeId/name/:listName', (req, res) => {
    const list = portalOf(res).portal.lists.find((l) => l.name === req.params.listName);
    if (!list || req.params.objectTypeId !== '0-1')
      return notFoundError(res, `List does not exist with name ${req.params.listName}.`);
    return res.json({ list: listWire(list) });
  });

  router.get('/crm/v3/lists/:listId', (req, res) => {
    const list = findList(portalOf(res), String(req.params.listId));
    if (!list) return notFoundError(res, `List does not exist with listId ${req.params.listId}.`);
    return res.json({ list: listWire(list) });
  });

  router.get('/crm/v3/lists/:listId/memberships', memberships);
  router.get('/crm/v3/lists/:listId/memberships/join-order', memberships);

  router.post('/crm/v3/objects/contacts/batch/read', (req, res) => {
    const startedAt = isoAt(ctx.clock.now());
    const parsed = batchReadSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { inputs, properties, idProperty } = parsed.data;
    if (inputs.length > BATCH_LIMIT) return tooManyInputs(res, inputs.length, BATCH_LIMIT);
    if (idProperty && idProperty !== 'hs_object_id') {
      return hubspotError(
        res,
        400,
        'VALIDATION_ERROR',
        `The sandbox reads contacts by record id only, not by ${idProperty}.`,
      );
    }
    const portal = portalOf(res);
    const names = properties && properties.length > 0 ? properties : DEFAULT_PROPERTIES;
    const results = [];
    const missing: string[] = [];
    for (const { id } of inputs) {
      const wire = contactWire(portal, id, names);
      if (wire) results.push(wire);
      else missing.push(id);
    }
    return batchResponse(res, startedAt, results, missing, 'CONTACT');
  });

  router.post('/crm/v3/objects/contacts/batch/update', (req, res) => {
    const now = isoAt(ctx.clock.now());
    const parsed = batchUpdateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { inputs } = parsed.data;
    if (inputs.length > BATCH_LIMIT) return tooManyInputs(res, inputs.length, BATCH_LIMIT);
    const portal = portalOf(res);
    // Validate everything first: HubSpot rejects the whole batch for one bad property value.
    const problems: { name: string; error: string; message: string }[] = [];
    const coerced = inputs.map(({ id, properties, objectWriteTraceId }) => {
      const values: ContactProperties = {};
      for (const [name, raw] of Object.entries(properties)) {
        const def = portal.schemas.contacts.properties.get(name);
        if (!def) {
          problems.push({
            name,
            error: 'PROPERTY_DOESNT_EXIST',
            message: `Property "${name}" does not exist`,
          });
          continue;
        }
        const value = coerceValue(def, raw);
        if (value.ok) values[name] = value.value;
        else problems.push({ name, error: value.error, message: value.message });
      }
      return { id, values, objectWriteTraceId };
    });
    if (problems.length > 0) return propertyValuesError(res, portal.portal.portalId, problems);
    const results = [];
    const missing: string[] = [];
    for (const { id, values, objectWriteTraceId } of coerced) {
      if (!portal.contact(id)) {
        missing.push(id);
        continue;
      }
      portal.write(id, values, now);
      ctx.record.propertyWrites.push({
        at: now,
        portalId: portal.portal.portalId,
        contactId: id,
        properties: values,
      });
      const updated = portal.contact(id);
      if (updated) {
        results.push({
          id,
          properties: { ...values, hs_object_id: id, lastmodifieddate: updated.updatedAt },
          createdAt: updated.createdAt,
          updatedAt: updated.updatedAt,
          archived: false,
          ...(objectWriteTraceId === undefined ? {} : { objectWriteTraceId }),
        });
      }
    }
    return batchResponse(res, now, results, missing, 'CONTACT');
  });

  return router;
}
