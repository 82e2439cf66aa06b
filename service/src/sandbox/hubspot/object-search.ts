import { z } from 'zod';
import type { ContactProperties } from '../demo-portal.js';
import type { ObjectSchema, PropertyDefinition } from './properties.js';
import type { StoredObject } from './state.js';

/**
 * HubSpot's CRM search (POST /crm/v3/objects/{type}/search) over objects the fake stores: filter groups OR-ed,
 * filters within a group AND-ed, `after` as an offset, HubSpot's limits on groups, filters, page size and depth.
 * Operators the app has no use for (ranges, tokens), free-text `query` and `sorts` are refused rather than
 * half-imitated, so a caller relying on them finds out in the sandbox.
 */

const wireValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum([
    'EQ',
    'NEQ',
    'LT',
    'LTE',
    'GT',
    'GTE',
    'BETWEEN',
    'IN',
    'NOT_IN',
    'HAS_PROPERTY',
    'NOT_HAS_PROPERTY',
    'CONTAINS_TOKEN',
    'NOT_CONTAINS_TOKEN',
  ]),
  value: wireValue.optional(),
  values: z.array(wireValue).optional(),
  highValue: wireValue.optional(),
});
type Filter = z.output<typeof filterSchema>;

export const searchRequestSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
  sorts: z.array(z.unknown()).optional(),
  query: z.string().optional(),
});
export type SearchRequest = z.output<typeof searchRequestSchema>;

/** HubSpot's limits (filter limits as raised in August 2024). */
export const SEARCH_LIMITS = {
  maxPageSize: 200,
  defaultPageSize: 10,
  maxFilterGroups: 5,
  maxFiltersPerGroup: 10,
  maxFilters: 25,
  /** Results past this depth cannot be paged to. */
  maxDepth: 10_000,
} as const;

const SUPPORTED = new Set(['EQ', 'NEQ', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);

export interface SearchResults {
  readonly total: number;
  readonly results: {
    id: string;
    properties: ContactProperties;
    createdAt: string;
    updatedAt: string;
    archived: false;
  }[];
  readonly paging?: { next: { after: string } };
}

export type SearchOutcome = { ok: true; body: SearchResults } | { ok: false; message: string };

/** Whether two values are the same for the property: numbers by value, text without regard to case. */
function same(def: PropertyDefinition, stored: string, given: string): boolean {
  if (def.type === 'number') return Number(stored) === Number(given);
  if (def.type === 'string' || def.type === 'enumeration' || def.type === 'phone_number')
    return stored.toLowerCase() === given.toLowerCase();
  return stored === given;
}

function matches(def: PropertyDefinition, filter: Filter, stored: string | null | undefined): boolean {
  const has = stored !== null && stored !== undefined && stored !== '';
  const inList = (values: readonly string[]) => has && values.some((v) => same(def, stored, v));
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return inList([filter.value ?? '']);
    case 'NEQ':
      return !inList([filter.value ?? '']);
    case 'IN':
      return inList(filter.values ?? []);
    default:
      return !inList(filter.values ?? []);
  }
}

function checkRequest(schema: ObjectSchema, request: SearchRequest): string | null {
  if (request.query !== undefined) return 'The sandbox search does not support a free-text query.';
  if ((request.sorts ?? []).length > 0) return 'The sandbox search does not support sorts.';
  const limit = request.limit ?? SEARCH_LIMITS.defaultPageSize;
  if (limit < 1 || limit > SEARCH_LIMITS.maxPageSize)
    return `limit must be between 1 and ${SEARCH_LIMITS.maxPageSize}, got ${limit}.`;
  const groups = request.filterGroups;
  if (groups.length > SEARCH_LIMITS.maxFilterGroups)
    return `Too many filter groups: ${groups.length}; the limit is ${SEARCH_LIMITS.maxFilterGroups}.`;
  const filters = groups.flatMap((g) => g.filters);
  if (filters.length > SEARCH_LIMITS.maxFilters)
    return `Too many filters: ${filters.length}; the limit is ${SEARCH_LIMITS.maxFilters}.`;
  for (const group of groups) {
    if (group.filters.length > SEARCH_LIMITS.maxFiltersPerGroup)
      return `Too many filters in a group: ${group.filters.length}; the limit is ${SEARCH_LIMITS.maxFiltersPerGroup}.`;
  }
  for (const filter of filters) {
    if (!SUPPORTED.has(filter.operator))
      return `The sandbox search does not support the ${filter.operator} operator.`;
    if (!schema.properties.has(filter.propertyName))
      return `Property "${filter.propertyName}" does not exist.`;
    const listed = filter.operator === 'IN' || filter.operator === 'NOT_IN';
    if (listed && filter.values === undefined) return `${filter.operator} needs values.`;
    if ((filter.operator === 'EQ' || filter.operator === 'NEQ') && filter.value === undefined)
      return `${filter.operator} needs a value.`;
  }
  return null;
}

/**
 * One page of the objects matching the request, in id order (ids increase with creation). `defaults` are the
 * properties every result carries; requested properties the object lacks come back as null, unknown ones not at all.
 */
export function searchObjects(
  objects: Iterable<StoredObject>,
  schema: ObjectSchema,
  request: SearchRequest,
  defaults: readonly string[],
): SearchOutcome {
  const problem = checkRequest(schema, request);
  if (problem) return { ok: false, message: problem };
  const offset = Number(request.after ?? '0');
  if (!Number.isInteger(offset) || offset < 0)
    return { ok: false, message: `after must be a paging token, got ${request.after}.` };
  if (offset >= SEARCH_LIMITS.maxDepth)
    return { ok: false, message: `Search results cannot be paged past ${SEARCH_LIMITS.maxDepth}.` };
  const limit = request.limit ?? SEARCH_LIMITS.defaultPageSize;
  const hit = (o: StoredObject) =>
    request.filterGroups.length === 0 ||
    request.filterGroups.some((group) =>
      group.filters.every((f) => {
        const def = schema.properties.get(f.propertyName);
        return def !== undefined && matches(def, f, o.properties[f.propertyName]);
      }),
    );
  const found = [...objects].filter(hit).sort((a, b) => Number(a.id) - Number(b.id));
  const names = [
    ...new Set([...defaults, ...(request.properties ?? []).filter((n) => schema.properties.has(n))]),
  ];
  const results = found.slice(offset, offset + limit).map((o) => {
    const properties: ContactProperties = {};
    for (const name of names) properties[name] = o.properties[name] ?? null;
    return { id: o.id, properties, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: false as const };
  });
  const next = offset + limit;
  return {
    ok: true,
    body: {
      total: found.length,
      results,
      ...(next < found.length ? { paging: { next: { after: String(next) } } } : {}),
    },
  };
}
