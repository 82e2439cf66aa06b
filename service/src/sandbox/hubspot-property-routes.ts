import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { isoAt } from './http-server.js';
import { hubspotError, invalidBody, notFoundError } from './hubspot-errors.js';
import {
  groupCreateSchema,
  groupWire,
  type PropertyCreate,
  type PropertyDefinition,
  propertyCreateSchema,
  propertyWire,
} from './hubspot-properties.js';
import { type HubSpotContext, type PortalState, portalOf } from './hubspot-state.js';

/**
 * Contact property groups and properties (/crm/v3/properties/contacts/…). Creating one that exists answers 409,
 * as HubSpot does, so the app's "create if missing" has to treat 409 as done.
 */

const batchCreateSchema = z.object({ inputs: z.array(propertyCreateSchema) });

/** Only contacts carry properties in the sandbox; `0-1` is the contacts object type id. */
function contactsOnly(req: Request, res: Response, next: NextFunction) {
  const objectType = String(req.params.objectType);
  if (objectType === 'contacts' || objectType === '0-1') return next();
  return hubspotError(
    res,
    400,
    'VALIDATION_ERROR',
    `The sandbox has properties for contacts only, not ${objectType}.`,
  );
}

type CreateResult =
  | { ok: true; definition: PropertyDefinition }
  | { ok: false; status: number; category: string; message: string };

function createProperty(ctx: HubSpotContext, portal: PortalState, input: PropertyCreate): CreateResult {
  if (portal.properties.has(input.name)) {
    return {
      ok: false,
      status: 409,
      category: 'OBJECT_ALREADY_EXISTS',
      message: `A property named '${input.name}' already exists.`,
    };
  }
  if (!portal.groups.has(input.groupName)) {
    return {
      ok: false,
      status: 400,
      category: 'VALIDATION_ERROR',
      message: `Property group ${input.groupName} does not exist.`,
    };
  }
  if (input.type === 'enumeration' && (input.options ?? []).length === 0) {
    return {
      ok: false,
      status: 400,
      category: 'VALIDATION_ERROR',
      message: `Enumeration property ${input.name} needs options.`,
    };
  }
  const options =
    input.type === 'bool' && (input.options ?? []).length === 0
      ? [
          { label: 'Yes', value: 'true', displayOrder: 0 },
          { label: 'No', value: 'false', displayOrder: 1 },
        ]
      : input.options;
  const at = isoAt(ctx.clock.now());
  const definition: PropertyDefinition = { ...input, options, createdAt: at, hubspotDefined: false };
  portal.properties.set(input.name, definition);
  ctx.record.schemaChanges.push({ at, portalId: portal.portal.portalId, kind: 'property', name: input.name });
  return { ok: true, definition };
}

export function hubspotPropertyRoutes(ctx: HubSpotContext): Router {
  const router = Router();
  const base = '/crm/v3/properties/:objectType';

  router.get(`${base}/groups`, contactsOnly, (_req, res) =>
    res.json({ results: [...portalOf(res).groups.values()].map(groupWire) }),
  );
  router.get(`${base}/groups/:groupName`, contactsOnly, (req, res) => {
    const group = portalOf(res).groups.get(String(req.params.groupName));
    return group
      ? res.json(groupWire(group))
      : notFoundError(res, `Unable to find property group ${req.params.groupName}`);
  });
  router.post(`${base}/groups`, contactsOnly, (req, res) => {
    const parsed = groupCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const input = parsed.data;
    if (portal.groups.has(input.name)) {
      return hubspotError(
        res,
        409,
        'OBJECT_ALREADY_EXISTS',
        `A property group named '${input.name}' already exists.`,
      );
    }
    const group = { ...input, archived: false as const };
    portal.groups.set(input.name, group);
    ctx.record.schemaChanges.push({
      at: isoAt(ctx.clock.now()),
      portalId: portal.portal.portalId,
      kind: 'group',
      name: input.name,
    });
    return res.status(201).json(groupWire(group));
  });

  router.post(`${base}/batch/create`, contactsOnly, (req, res) => {
    const parsed = batchCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const at = isoAt(ctx.clock.now());
    const results = [];
    const errors = [];
    for (const input of parsed.data.inputs) {
      const created = createProperty(ctx, portal, input);
      if (created.ok) results.push(propertyWire(created.definition));
      else
        errors.push({
          status: 'error',
          category: created.category,
          message: created.message,
          context: { name: [input.name] },
        });
    }
    const body = { status: 'COMPLETE', results, startedAt: at, completedAt: at };
    if (errors.length === 0) return res.status(201).json(body);
    return res.status(207).json({ ...body, numErrors: errors.length, errors });
  });

  router.get(base, contactsOnly, (_req, res) =>
    res.json({ results: [...portalOf(res).properties.values()].map(propertyWire) }),
  );
  router.get(`${base}/:propertyName`, contactsOnly, (req, res) => {
    const def = portalOf(res).properties.get(String(req.params.propertyName));
    return def
      ? res.json(propertyWire(def))
      : notFoundError(res, `Unable to find property ${req.params.propertyName}`);
  });
  router.post(base, contactsOnly, (req, res) => {
    const parsed = propertyCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const created = createProperty(ctx, portalOf(res), parsed.data);
    if (!created.ok) return hubspotError(res, created.status, created.category, created.message);
    return res.status(201).json(propertyWire(created.definition));
  });

  return router;
}
