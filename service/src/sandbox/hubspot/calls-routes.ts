import { type Response, Router } from 'express';
import { z } from 'zod';
import type { ContactProperties } from '../demo-portal.js';
import { isoAt } from '../http-server.js';
import { hubspotError, invalidBody, notFoundError, propertyValuesError, tooManyInputs } from './errors.js';
import { searchObjects, searchRequestSchema } from './object-search.js';
import { coerceValue } from './properties.js';
import { type HubSpotContext, type PortalState, portalOf, type StoredObject } from './state.js';

/**
 * Calls engagements: create (one or a batch, associated to contacts), fetch, and CRM search. Property values are
 * checked against the portal's calls properties as HubSpot checks them, and every call lands in the record so an
 * end-to-end test can assert "exactly once".
 */

/** HubSpot's association type id for call → contact. */
export const CALL_TO_CONTACT = 194;

/** What HubSpot's search returns for a call when no properties are asked for, and alongside those that are. */
const SEARCH_DEFAULT_PROPERTIES = ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];

const associationSchema = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z.array(
    z.object({
      associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
      associationTypeId: z.number().int(),
    }),
  ),
});
const callCreateSchema = z.object({
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  associations: z.array(associationSchema).optional(),
  /** The caller's own id for this input; HubSpot echoes it on the created object. */
  objectWriteTraceId: z.string().optional(),
});
type CallCreate = z.output<typeof callCreateSchema>;

type Problem = { name: string; error: string; message: string };

interface CheckedCall {
  readonly input: CallCreate;
  /** The values as HubSpot stores them (strings, or null for a cleared value). */
  readonly values: ContactProperties;
  readonly problems: Problem[];
  readonly badAssociation: string | null;
}

function checkCall(portal: PortalState, input: CallCreate): CheckedCall {
  const problems: Problem[] = [];
  const values: ContactProperties = {};
  if (input.properties.hs_timestamp === undefined || input.properties.hs_timestamp === null) {
    problems.push({
      name: 'hs_timestamp',
      error: 'REQUIRED_PROPERTY',
      message: 'Property "hs_timestamp" is required',
    });
  }
  for (const [name, raw] of Object.entries(input.properties)) {
    const def = portal.schemas.calls.properties.get(name);
    if (!def) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    const value = coerceValue(def, raw);
    if (value.ok) values[name] = value.value;
    else problems.push({ name, error: value.error, message: value.message });
  }
  const checked = (badAssociation: string | null) => ({ input, values, problems, badAssociation });
  for (const association of input.associations ?? []) {
    if (!portal.contact(association.to.id)) return checked(`contact ${association.to.id} does not exist`);
    const wrong = association.types.find(
      (t) => t.associationCategory === 'HUBSPOT_DEFINED' && t.associationTypeId !== CALL_TO_CONTACT,
    );
    if (wrong) {
      return checked(
        `association type ${wrong.associationTypeId} is not call to contact (${CALL_TO_CONTACT})`,
      );
    }
  }
  return checked(null);
}

function rejectCall(res: Response, portal: PortalState, check: CheckedCall): Response | null {
  if (check.problems.length > 0) return propertyValuesError(res, portal.portal.portalId, check.problems);
  if (check.badAssociation) {
    return hubspotError(
      res,
      400,
      'VALIDATION_ERROR',
      `One or more associations are invalid: ${check.badAssociation}`,
    );
  }
  return null;
}

function storeCall(ctx: HubSpotContext, portal: PortalState, call: CheckedCall): StoredObject {
  const at = isoAt(ctx.clock.now());
  const id = ctx.nextObjectId();
  const { input, values } = call;
  const stored: StoredObject = {
    id,
    properties: { ...values, hs_object_id: id, hs_createdate: at, hs_lastmodifieddate: at },
    createdAt: at,
    updatedAt: at,
    ...(input.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: input.objectWriteTraceId }),
  };
  portal.calls.set(id, stored);
  ctx.record.calls.push({
    at,
    portalId: portal.portal.portalId,
    id,
    properties: values,
    contactIds: (input.associations ?? []).map((a) => a.to.id),
    objectWriteTraceId: input.objectWriteTraceId ?? null,
  });
  return stored;
}

const objectWire = (o: StoredObject) => ({ ...o, archived: false });

export function hubspotCallsRoutes(ctx: HubSpotContext): Router {
  const router = Router();

  router.post('/crm/v3/objects/calls', (req, res) => {
    const parsed = callCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const checked = checkCall(portal, parsed.data);
    const rejected = rejectCall(res, portal, checked);
    if (rejected) return rejected;
    return res.status(201).json(objectWire(storeCall(ctx, portal, checked)));
  });

  router.post('/crm/v3/objects/calls/batch/create', (req, res) => {
    const parsed = z.object({ inputs: z.array(callCreateSchema) }).safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { inputs } = parsed.data;
    if (inputs.length > 100) return tooManyInputs(res, inputs.length, 100);
    const portal = portalOf(res);
    // One bad input fails the whole batch, as in HubSpot.
    const checked = inputs.map((input) => checkCall(portal, input));
    for (const check of checked) {
      const rejected = rejectCall(res, portal, check);
      if (rejected) return rejected;
    }
    const at = isoAt(ctx.clock.now());
    const results = checked.map((check) => objectWire(storeCall(ctx, portal, check)));
    return res.status(201).json({ status: 'COMPLETE', results, startedAt: at, completedAt: at });
  });

  router.post('/crm/v3/objects/calls/search', (req, res) => {
    const parsed = searchRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    // HubSpot indexes new objects with a delay; with a lag configured, the newest calls are not found yet.
    const indexedBy = ctx.clock.now() - ctx.searchLagMs;
    const indexed = [...portal.calls.values()].filter((c) => Date.parse(c.createdAt) <= indexedBy);
    const found = searchObjects(indexed, portal.schemas.calls, parsed.data, SEARCH_DEFAULT_PROPERTIES);
    if (!found.ok) return hubspotError(res, 400, 'VALIDATION_ERROR', found.message);
    return res.json(found.body);
  });

  router.get('/crm/v3/objects/calls/:callId', (req, res) => {
    const call = portalOf(res).calls.get(String(req.params.callId));
    return call
      ? res.json(objectWire(call))
      : notFoundError(res, `Object not found.  objectId are usually numeric.`);
  });

  return router;
}
