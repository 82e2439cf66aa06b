import { CALL_OUTCOMES, CAMPAIGN_STATUSES } from '@fundraising/shared';
import fc from 'fast-check';
import type { EndpointDescriptor, PortalObjects } from '../../service/test/api/api-endpoints.js';
import { nulFieldCase, variantCase, wholeBodyCase, wrongFieldCase } from './api-bodies.js';
import { apiRequest, type CaseMaker, hasBody, json, validBody } from './api-request.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { badSegment, contentType, nastyString } from './junk.js';

/**
 * Bad requests to the signed /api, made from api-endpoints.ts's descriptors (every mounted /api route has one):
 * each endpoint's valid request or one of its known-malformed variants, corrupted so that it stays malformed by
 * construction, then signed as HubSpot's proxy signs (v3 over the exact bytes), so it reaches validation. Path ids
 * and queries here, bodies in api-bodies.ts.
 */

// ---------------------------------------------------------------------------------------------------------------
// Path ids.

/** What each route parameter accepts: a generated segment must decode to something it refuses. */
const VALID_ID: Readonly<Record<string, RegExp>> = {
  campaignId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  contactId: /^[1-9]\d{0,19}$/,
  listId: /^\d+$/,
  // Well-formed voice and agent ids are refused too unless they exist: any generated one is unknown.
  voiceId: /^$/,
  agentId: /^$/,
};

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function pathIdCase(t: FuzzService, e: EndpointDescriptor): fc.Arbitrary<FuzzRequest> | null {
  const routeParts = e.route.split('/');
  const params = routeParts.flatMap((part, i) =>
    part.startsWith(':') ? [{ name: part.slice(1), at: i }] : [],
  );
  if (params.length === 0) return null;
  return fc
    .constantFrom(...params)
    .chain((param) =>
      fc.tuple(
        fc.constant(param),
        badSegment.filter((s) => !(VALID_ID[param.name] ?? /^$/).test(decoded(s) ?? '')),
        contentType,
      ),
    )
    .map(([param, segment, type]) => {
      const [pathOnly, query] = e.path(t.own).split('?');
      const parts = (pathOnly ?? '').split('/');
      parts[param.at] = segment;
      const path = `${parts.join('/')}${query === undefined ? '' : `?${query}`}`;
      const body = hasBody(e) ? json(validBody(e, t.own)) : undefined;
      return apiRequest(t, `${e.method} ${e.route}: :${param.name} = ${segment}`, e.method, path, body, type);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Queries.

/** Numbers none of the page, list or count parameters accept: not a number, negative, fractional, too big. */
const badCount = (min: number, max: number): fc.Arbitrary<string> =>
  fc.oneof(
    nastyString.filter((s) => {
      const n = Number(s);
      return !Number.isInteger(n) || n < min || n > max;
    }),
    fc.integer({ min: -1_000_000, max: min - 1 }).map(String),
    fc.integer({ min: max + 1 }).map(String),
    fc
      .double({ min: min + 0.001, max: max - 0.001, noNaN: true })
      .filter((n) => !Number.isInteger(n))
      .map(String),
  );

const notIn = (values: readonly string[]) => nastyString.filter((s) => !values.includes(s));

/** Names with a character HubSpot property names never have, or too many of them, or too long a list. */
const badProperties = fc.oneof(
  fc
    .tuple(
      fc.stringMatching(/^[a-z_]{1,10}$/),
      fc.constantFrom(...'!@#$%^&*()-+=[]{};:\'"<>/?.|\\`~é ü'),
      fc.stringMatching(/^[a-z]{1,5}$/),
    )
    .map(([a, bad, b]) => `firstname,${a}${bad}${b}`),
  fc.integer({ min: 51, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `p${i}`).join(',')),
  fc.constant(`${'p,'.repeat(2600)}p`),
);

/** Per query parameter of the /api: values it refuses whatever the route. */
const BAD_QUERY_VALUE: Readonly<Record<string, fc.Arbitrary<string>>> = {
  // Pages stop at 10,000,000, the list catalog at 1,000,000: past the larger is refused by both.
  offset: badCount(0, 10_000_000),
  limit: badCount(1, 200),
  count: badCount(1, 100),
  status: notIn(CAMPAIGN_STATUSES),
  outcome: notIn(CALL_OUTCOMES),
  query: fc.tuple(fc.stringMatching(/^[a-z]{201,260}$/), nastyString).map(([long, tail]) => `${long}${tail}`),
  properties: badProperties,
};

function queryNames(e: EndpointDescriptor, own: PortalObjects): string[] {
  const paths = [e.path(own), ...e.malformed.map((v) => v.path?.(own) ?? '')];
  const names = paths.flatMap((p) => [...new URLSearchParams(p.split('?')[1] ?? '').keys()]);
  return [...new Set(names)].filter((n) => n in BAD_QUERY_VALUE);
}

function queryCase(t: FuzzService, e: EndpointDescriptor): fc.Arbitrary<FuzzRequest> | null {
  const names = queryNames(e, t.own);
  if (names.length === 0) return null;
  return fc
    .constantFrom(...names)
    .chain((name) =>
      fc.tuple(
        fc.constant(name),
        fc.oneof(
          BAD_QUERY_VALUE[name]!.map((v) => [v]),
          // Given twice: a list where one value is expected.
          fc.tuple(nastyString, nastyString),
        ),
      ),
    )
    .map(([name, values]) => {
      const [pathOnly, query] = e.path(t.own).split('?');
      const params = new URLSearchParams(query ?? '');
      params.delete(name);
      for (const v of values) params.append(name, v);
      const label = `${e.method} ${e.route}: ${name}=${JSON.stringify(values).slice(0, 80)}`;
      return apiRequest(t, label, e.method, `${pathOnly}?${params}`, undefined);
    });
}

/** Every malformed-input request the endpoints allow, mixed. */
export function apiInputCases(t: FuzzService, endpoints: readonly EndpointDescriptor[]) {
  const pick = (make: CaseMaker) =>
    endpoints.flatMap((e) => {
      const arbitrary = make(t, e);
      return arbitrary === null ? [] : [arbitrary];
    });
  return {
    pathIds: fc.oneof(...pick(pathIdCase)),
    queries: fc.oneof(...pick(queryCase)),
    bodies: fc.oneof(
      ...pick(wrongFieldCase),
      ...pick(nulFieldCase),
      ...pick(variantCase),
      ...pick(wholeBodyCase),
    ),
  };
}
