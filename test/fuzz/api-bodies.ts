import fc from 'fast-check';
import {
  type EndpointDescriptor,
  type MalformedVariant,
  NO_BODY,
} from '../../service/test/api/api-endpoints.js';
import { apiRequest, type BodyBytes, type CaseMaker, hasBody, json, validBody } from './api-request.js';
import type { FuzzService } from './fuzz-service.js';
import {
  anyJson,
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
 * Malformed bodies for the signed /api, each from an endpoint's valid body or one of its known-malformed variants:
 * a field of the wrong type, a NUL in a text, junk fields on a variant, or a body wrong as a whole.
 */

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
export const wrongFieldCase: CaseMaker = (t, e) => {
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
};

/** A text field of the valid body given a NUL (which Postgres cannot hold, so every field refuses it). */
export const nulFieldCase: CaseMaker = (t, e) => {
  const valid = validBody(e, t.own);
  const paths = nodePaths(valid).filter((p) => typeof valueAt(valid, p) === 'string');
  if (paths.length === 0) return null;
  return fc.tuple(fc.constantFrom(...paths), nastyString, fc.nat()).map(([path, junk, at]) => {
    const text = String(valueAt(valid, path));
    const i = at % (text.length + 1);
    const body = json(replacedAt(valid, path, `${text.slice(0, i)}\u0000${junk}${text.slice(i)}`));
    return apiRequest(t, `${e.method} ${e.route}: NUL in ${path.join('.')}`, e.method, e.path(t.own), body);
  });
};

/** One of the endpoint's known-malformed variants, with unknown fields of junk added: still malformed. */
export const variantCase: CaseMaker = (t, e) => {
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
};

function variantBody(
  e: EndpointDescriptor,
  t: FuzzService,
  variant: MalformedVariant,
  extra: Record<string, unknown>,
  deep: string,
): BodyBytes {
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
export const wholeBodyCase: CaseMaker = (t, e) => {
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
};
