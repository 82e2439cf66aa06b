import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { isoAt } from '../http-server.js';
import { hubspotError, invalidBody, notFoundError } from './errors.js';
import {
  groupCreateSchema,
  groupWire,
  type ObjectSchema,
  type PropertyCreate,
  type PropertyDefinition,
  propertyCreateSchema,
  propertyWire,
  type SchemaObjectType,
} from './properties.js';
import { type HubSpotContext, type PortalState, portalOf } from './state.js';

/**
 * Property groups and properties of contacts and calls (/crm/v3/properties/{objectType}/…). Creating one that
 * exists answers 409, as HubSpot does, so the app's "create if missing" has to treat 409 as done.
 */

const batchCreateSchema = z.object({ inputs: z.array(propertyCreateSchema) });

/** Names and object type ids (`0-1` contacts, `0-48` calls) the path may use. */
const OBJECT_TYPES: Readonly<Record<string, SchemaObjectType>> = {
  contacts: 'contacts',
  '0-1': 'contacts',
  calls: 'calls',
  '0-48': 'calls',
};

/** Resolves the path's object type for the handlers; the sandbox keeps properties for contacts and calls only. */
function knownObjectType(req: Request, res: Response, next: NextFunction) {
  const given = String(req.params.objectType);
  const objectType = OBJECT_TYPES[given];
  if (objectType === undefined) {
    return hubspotError(
      res,
      400,
      'VALIDATION_ERROR',
      `The sandbox has properties for contacts and calls only, not ${given}.`,
    );
  }
  res.locals.objectType = objectType;
  return next();
}

function objectTypeOf(res: Response): SchemaObjectType {
  const objectType: unknown = res.locals.objectType;
  if (objectType !== 'contacts' && objectType !== 'calls')
    throw new Error('property route reached without an object type');
  return objectType;
}

const schemaOf = (res: Response): ObjectSchema => portalOf(res).schemas[objectTypeOf(res)];

type CreateResult =
  | { ok: true; definition: PropertyDefinition }
  | { ok: false; status: number; category: string; message: string };

function createProperty(
  ctx: HubSpotContext,
  portal: PortalState,
  objectType: SchemaObjectType,
  input: PropertyCreate,
): CreateResult {
  const schema = portal.schemas[objectType];
  if (schema.properties.has(input.name)) {
    return {
      ok: false,
      status: 409,
      category: 'OBJECT_ALREADY_EXISTS',
      message: `A property named '${input.name}' already exists.`,
    };
  }
  if (!schema.groups.has(input.groupName)) {
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
  schema.properties.set(input.name, definition);
  ctx.record.schemaChanges.push({
    at,
    portalId: portal.portal.portalId,
    objectType,
    kind: 'property',
    name: input.name,
  });
  return { ok: true, definition };
}

export function hubspotPropertyRoutes(ctx: HubSpotContext): Router {
  const router = Router();
  const base = '/crm/v3/properties/:objectType';

  router.get(`${base}/groups`, knownObjectType, (_req, res) =>
    res.json({ results: [...schemaOf(res).groups.values()].map(groupWire) }),
  );
  router.get(`${base}/groups/:groupName`, knownObjectType, (req, res) => {
    const group = schemaOf(res).groups.get(String(req.params.groupName));
    return group
      ? res.json(groupWire(group))
      : notFoundError(res, `Unable to find property group ${req.params.groupName}`);
  });
  router.post(`${base}/groups`, knownObjectType, (req, res) => {
    const parsed = groupCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const objectType = objectTypeOf(res);
    const schema = portal.schemas[objectType];
    const input = parsed.data;
    if (schema.groups.has(input.name)) {
      return hubspotError(
        res,
        409,
        'OBJECT_ALREADY_EXISTS',
        `A property group named '${input.name}' already exists.`,
      );
    }
    const group = { ...input, archived: false as const };
    schema.groups.set(input.name, group);
    ctx.record.schemaChanges.push({
      at: isoAt(ctx.clock.now()),
      portalId: portal.portal.portalId,
      objectType,
      kind: 'group',
      name: input.name,
    });
    return res.status(201).json(groupWire(group));
  });

  router.post(`${base}/batch/create`, knownObjectType, (req, res) => {
    const parsed = batchCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const portal = portalOf(res);
    const at = isoAt(ctx.clock.now());
    const results = [];
    const errors = [];
    for (const input of parsed.data.inputs) {
      const created = createProperty(ctx, portal, objectTypeOf(res), input);
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

  router.get(base, knownObjectType, (_req, res) =>
    res.json({ results: [...schemaOf(res).properties.values()].map(propertyWire) }),
  );
  router.get(`${base}/:propertyName`, knownObjectType, (req, res) => {
    const def = schemaOf(res).properties.get(String(req.params.propertyName));
    return def
      ? res.json(propertyWire(def))
      : notFoundError(res, `Unable to find property ${req.params.propertyName}`);
  });
  router.post(base, knownObjectType, (req, res) => {
    const parsed = propertyCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalidBody(res, parsed.error);
    const created = createProperty(ctx, portalOf(res), objectTypeOf(res), parsed.data);
    if (!created.ok) return hubspotError(res, created.status, created.category, created.message);
    return res.status(201).json(propertyWire(created.definition));
  });

  return router;
}
