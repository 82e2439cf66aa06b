import { CALL_OUTCOMES, CAMPAIGN_STATUSES } from '@fundraising/shared';
import fc from 'fast-check';
import { signHubSpotRequestV3 } from '../../service/src/hubspot/index.js';
import {
  type EndpointDescriptor,
  type MalformedVariant,
  NO_BODY,
  type PortalObjects,
} from '../../service/test/api/api-endpoints.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import {
  anyJson,
  badSegment,
  contentType,
  deepNestText,
  hugeString,
  nastyString,
  nonObjectJson,
  notJsonText,
  RAW_MARK,
  stringifyWithRaw,
  truncated,
  withInvalidUtf8,
  wrongType,
} from './junk.js';

/**
 * Bad requests to the signed /api, made from api-endpoints.ts's descriptors (every mounted /api route has one):
 * each endpoint's valid request or one of its known-malformed variants, corrupted so that it stays malformed by
 * construction, then signed as HubSpot's proxy signs (v3 over the exact bytes), so it reaches validation.
 */

type Body = Buffer | undefined;

/** Signs `pathAndQuery` as the card proxy would for portal A, over exactly `body`. */
export function apiRequest(
  t: FuzzService,
  label: string,
  method: string,
  pathAndQuery: string,
  body: Body,
  type: string | undefined = body === undefined ? undefined : 'application/json',
): FuzzRequest {
  // The proxy's URL (caller parameters added); the signature is then made over our raw bytes.
  const { url } = t.portalA.sign('GET', pathAndQuery);
  const signature = signHubSpotRequestV3({
    method,
    uri: url,
    rawBody: method === 'GET' ? '' : (body ?? ''),
    clientSecret: t.clientSecret,
    timestampMs: t.clock.now(),
  });
  return {
    label,
    method,
    url,
    headers: { ...signature, ...(type === undefined ? {} : { 'content-type': type }) },
    ...(method === 'GET' || body === undefined ? {} : { body }),
  };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const hasBody = (e: EndpointDescriptor) => e.method !== 'GET';
const validBody = (e: EndpointDescriptor, own: PortalObjects): unknown => {
  const body = e.body?.(own);
  return body === NO_BODY || body === undefined ? {} : body;
};

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

// ---------------------------------------------------------------------------------------------------------------
// Bodies.

type JsonPath = readonly (string | number)[];

/** Every node under the root of a JSON value. */
function nodePaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...nodePaths(child, [...prefix, key])]);
}

function valueAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

function replacedAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

/** A field of the valid body given a value of the wrong type, a deep nest, or a huge text of the wrong type. */
function wrongFieldCase(t: FuzzService, e: EndpointDescriptor): fc.Arbitrary<FuzzRequest> | null {
  const valid = validBody(e, t.own);
  const paths = nodePaths(valid);
  if (paths.length === 0) return null;
  return fc
    .constantFrom(...paths)
    .chain((path) => {
      const current = valueAt(valid, path);
      const deep = typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean';
      return fc.tuple(
        fc.constant(path),
        fc.oneof(
          wrongType(current).map((v) => ({ value: v, raw: [] as string[] })),
          ...(deep ? [deepNestText.map((raw) => ({ value: RAW_MARK, raw: [raw] }))] : []),
          ...(typeof current === 'string'
            ? []
            : [hugeString.map((v) => ({ value: v, raw: [] as string[] }))]),
        ),
        contentType,
      );
    })
    .map(([path, { value, raw }, type]) => {
      const body = Buffer.from(stringifyWithRaw(replacedAt(valid, path, value), raw));
      return apiRequest(
        t,
        `${e.method} ${e.route}: ${path.join('.')} of the wrong type`,
        e.method,
        e.path(t.own),
        body,
        type,
      );
    });
}

/** One of the endpoint's known-malformed variants, with unknown fields of junk added: still malformed. */
function variantCase(t: FuzzService, e: EndpointDescriptor): fc.Arbitrary<FuzzRequest> | null {
  if (e.malformed.length === 0) return null;
  const noise = fc.dictionary(
    nastyString.map((k) => `zz_${k}`),
    fc.oneof(
      anyJson,
      hugeString,
      deepNestText.map(() => RAW_MARK),
    ),
    { maxKeys: 3 },
  );
  return fc
    .tuple(fc.constantFrom(...e.malformed), noise, deepNestText, contentType)
    .map(([variant, extra, deep, type]) => {
      const path = variant.path ? variant.path(t.own) : e.path(t.own);
      return apiRequest(
        t,
        `${e.method} ${e.route}: ${variant.name} + junk fields`,
        e.method,
        path,
        variantBody(e, t, variant, extra, deep),
        type,
      );
    });
}

function variantBody(
  e: EndpointDescriptor,
  t: FuzzService,
  variant: MalformedVariant,
  extra: Record<string, unknown>,
  deep: string,
): Body {
  if (!hasBody(e)) return undefined;
  const body = 'body' in variant ? variant.body : validBody(e, t.own);
  if (body === NO_BODY) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return json(body);
  const withNoise = { ...body, ...extra };
  return Buffer.from(
    stringifyWithRaw(
      withNoise,
      Object.values(extra)
        .filter((v) => v === RAW_MARK)
        .map(() => deep),
    ),
  );
}

/** Whole bodies that are wrong: not an object, not JSON, cut short, not UTF-8, deeply nested, over 1 MB. */
function wholeBodyCase(t: FuzzService, e: EndpointDescriptor): fc.Arbitrary<FuzzRequest> | null {
  if (!hasBody(e)) return null;
  const valid = JSON.stringify(validBody(e, t.own));
  const bodies: fc.Arbitrary<[string, Buffer]> = fc.oneof(
    nonObjectJson.map((v): [string, Buffer] => ['not an object', json(v)]),
    notJsonText.map((s): [string, Buffer] => ['not JSON', Buffer.from(s)]),
    truncated(valid).map((s): [string, Buffer] => ['cut short', Buffer.from(s)]),
    withInvalidUtf8(valid).map((b): [string, Buffer] => ['not UTF-8', b]),
    deepNestText
      .filter((s) => s.startsWith('['))
      .map((s): [string, Buffer] => ['a deep nest', Buffer.from(s)]),
    fc
      .integer({ min: 1_048_577, max: 1_300_000 })
      .map((n): [string, Buffer] => ['over 1 MB', Buffer.alloc(n, 0x20)]),
  );
  return fc
    .tuple(bodies, contentType)
    .map(([[what, body], type]) =>
      apiRequest(t, `${e.method} ${e.route}: body ${what}`, e.method, e.path(t.own), body, type),
    );
}

/** Every malformed-input request the endpoints allow, mixed. */
export function apiInputCases(t: FuzzService, endpoints: readonly EndpointDescriptor[]) {
  const pick = (make: (t: FuzzService, e: EndpointDescriptor) => fc.Arbitrary<FuzzRequest> | null) =>
    endpoints.flatMap((e) => {
      const arbitrary = make(t, e);
      return arbitrary === null ? [] : [arbitrary];
    });
  return {
    pathIds: fc.oneof(...pick(pathIdCase)),
    queries: fc.oneof(...pick(queryCase)),
    bodies: fc.oneof(...pick(wrongFieldCase), ...pick(variantCase), ...pick(wholeBodyCase)),
  };
}
