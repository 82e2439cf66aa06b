import { Router } from 'express';
import { z } from 'zod';
import { isoAt } from '../http-server.js';
import { invalidBody, notFoundError, tooManyInputs } from './errors.js';
import { type HubSpotContext, type PortalState, portalOf } from './state.js';

/**
 * What the app writes onto timelines besides calls (calls-routes.ts): app-event occurrences and the
 * completion of workflow-action callbacks. Everything lands in the record, duplicates flagged, so an end-to-end
 * test can assert "exactly once".
 */

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
