import { type Response, Router } from 'express';
import { z } from 'zod';
import type { ContactProperties } from './demo-portal.js';
import { isoAt } from './http-server.js';
import {
  hubspotError,
  invalidBody,
  notFoundError,
  propertyValuesError,
  tooManyInputs,
} from './hubspot-errors.js';
import { type HubSpotContext, type PortalState, portalOf, type StoredObject } from './hubspot-state.js';

/**
 * What the app writes onto timelines: Calls engagements (associated to contacts), app-event occurrences, and the
 * completion of workflow-action callbacks. Everything lands in the record, duplicates flagged, so an end-to-end
 * test can assert "exactly once".
 */

/** HubSpot's association type id for call → contact. */
export const CALL_TO_CONTACT = 194;

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

const appEventSchema = z.object({
  eventTypeName: z.string().min(1),
  objectId: z.union([z.string(), z.number()]).transform(String),
  id: z.string().min(1).optional(),
  timestamp: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});
type AppEvent = z.output<typeof appEventSchema>;

const callbackCompleteSchema = z.object({ outputFields: z.record(z.string(), z.unknown()).default({}) });
const callbackBatchSchema = z.object({
  inputs: z.array(
    z.object({ callbackId: z.string().min(1), outputFields: z.record(z.string(), z.unknown()).default({}) }),
  ),
});

type Problem = { name: string; error: string; message: string };

function checkCall(
  portal: PortalState,
  input: CallCreate,
): { problems: Problem[]; badAssociation: string | null } {
  const problems: Problem[] = [];
  if (input.properties.hs_timestamp === undefined || input.properties.hs_timestamp === null) {
    problems.push({
      name: 'hs_timestamp',
      error: 'REQUIRED_PROPERTY',
      message: 'Property "hs_timestamp" is required',
    });
  }
  for (const association of input.associations ?? []) {
    if (!portal.contact(association.to.id))
      return { problems, badAssociation: `contact ${association.to.id} does not exist` };
    const wrong = association.types.find(
      (t) => t.associationCategory === 'HUBSPOT_DEFINED' && t.associationTypeId !== CALL_TO_CONTACT,
    );
    if (wrong)
      return {
        problems,
        badAssociation: `association type ${wrong.associationTypeId} is not call to contact (${CALL_TO_CONTACT})`,
      };
  }
  return { problems, badAssociation: null };
}

function storeCall(ctx: HubSpotContext, portal: PortalState, input: CallCreate): StoredObject {
  const at = isoAt(ctx.clock.now());
  const id = ctx.nextObjectId();
  const properties: ContactProperties = {};
  for (const [k, v] of Object.entries(input.properties)) properties[k] = v === null ? null : String(v);
  const stored: StoredObject = {
    id,
    properties: { ...properties, hs_object_id: id, hs_createdate: at, hs_lastmodifieddate: at },
    createdAt: at,
    updatedAt: at,
    ...(input.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: input.objectWriteTraceId }),
  };
  portal.calls.set(id, stored);
  const contactIds = (input.associations ?? []).map((a) => a.to.id);
  ctx.record.calls.push({
    at,
    portalId: portal.portal.portalId,
    id,
    properties,
    contactIds,
    objectWriteTraceId: input.objectWriteTraceId ?? null,
  });
  return stored;
}

const objectWire = (o: StoredObject) => ({ ...o, archived: false });

function rejectCall(
  res: Response,
  portal: PortalState,
  check: ReturnType<typeof checkCall>,
): Response | null {
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

function recordEvent(ctx: HubSpotContext, portal: PortalState, event: AppEvent, id: string) {
  const key = `${event.eventTypeName}\u241f${id}`;
  const duplicate = portal.appEventKeys.has(key);
  portal.appEventKeys.add(key);
  const at = isoAt(ctx.clock.now());
  ctx.record.appEvents.push({
    at,
    portalId: portal.portal.portalId,
    eventTypeName: event.eventTypeName,
    id,
    objectId: event.objectId,
    properties: event.properties,
    duplicate,
  });
  return {
    id,
    eventTypeName: event.eventTypeName,
    objectId: event.objectId,
    timestamp: event.timestamp ?? at,
    properties: event.properties,
  };
}

function completeCallback(
  ctx: HubSpotContext,
  portal: PortalState,
  callbackId: string,
  outputFields: Record<string, unknown>,
) {
  const duplicate = portal.completedCallbacks.has(callbackId);
  portal.completedCallbacks.add(callbackId);
  ctx.record.callbackCompletions.push({
    at: isoAt(ctx.clock.now()),
    portalId: portal.portal.portalId,
    callbackId,
    outputFields,
    duplicate,
  });
}

export function hubspotActivityRoutes(ctx: HubSpotContext): Router {
  const router = Router();

  router.post('/crm/v3/objects/calls', (req, res) => {
    const parsed = callCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const rejected = rejectCall(res, portal, checkCall(portal, parsed.data));
    if (rejected) return rejected;
    return res.status(201).json(objectWire(storeCall(ctx, portal, parsed.data)));
  });

  router.post('/crm/v3/objects/calls/batch/create', (req, res) => {
    const parsed = z.object({ inputs: z.array(callCreateSchema) }).safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const { inputs } = parsed.data;
    if (inputs.length > 100) return tooManyInputs(res, inputs.length, 100);
    const portal = portalOf(res);
    for (const input of inputs) {
      const rejected = rejectCall(res, portal, checkCall(portal, input));
      if (rejected) return rejected;
    }
    const at = isoAt(ctx.clock.now());
    const results = inputs.map((input) => objectWire(storeCall(ctx, portal, input)));
    return res.status(201).json({ status: 'COMPLETE', results, startedAt: at, completedAt: at });
  });

  router.get('/crm/v3/objects/calls/:callId', (req, res) => {
    const call = portalOf(res).calls.get(String(req.params.callId));
    return call
      ? res.json(objectWire(call))
      : notFoundError(res, `Object not found.  objectId are usually numeric.`);
  });

  router.post('/integrators/timeline/v4/events', (req, res) => {
    const parsed = appEventSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    if (!portal.contact(parsed.data.objectId))
      return notFoundError(res, `Object ${parsed.data.objectId} does not exist.`);
    return res.json(recordEvent(ctx, portal, parsed.data, parsed.data.id ?? ctx.nextObjectId()));
  });

  // Batch occurrences: `/batch` as used in the wild, `/batch/create` as v3 named it; both accepted.
  for (const path of [
    '/integrators/timeline/v4/events/batch',
    '/integrators/timeline/v4/events/batch/create',
  ]) {
    router.post(path, (req, res) => {
      const parsed = z.object({ inputs: z.array(appEventSchema) }).safeParse(req.body ?? {});
      if (!parsed.success) return invalidBody(res, parsed.error);
      const { inputs } = parsed.data;
      if (inputs.length > 500) return tooManyInputs(res, inputs.length, 500);
      const portal = portalOf(res);
      const unknown = inputs.find((e) => !portal.contact(e.objectId));
      if (unknown) return notFoundError(res, `Object ${unknown.objectId} does not exist.`);
      const at = isoAt(ctx.clock.now());
      const results = inputs.map((e) => recordEvent(ctx, portal, e, e.id ?? ctx.nextObjectId()));
      return res.json({ status: 'COMPLETE', results, startedAt: at, completedAt: at });
    });
  }

  router.post('/automation/v4/actions/callbacks/complete', (req, res) => {
    const parsed = callbackBatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    if (parsed.data.inputs.length > 100) return tooManyInputs(res, parsed.data.inputs.length, 100);
    const portal = portalOf(res);
    for (const input of parsed.data.inputs)
      completeCallback(ctx, portal, input.callbackId, input.outputFields);
    return res.status(204).end();
  });

  router.post('/automation/v4/actions/callbacks/:callbackId/complete', (req, res) => {
    const parsed = callbackCompleteSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    completeCallback(ctx, portalOf(res), String(req.params.callbackId), parsed.data.outputFields);
    return res.status(204).end();
  });

  return router;
}
