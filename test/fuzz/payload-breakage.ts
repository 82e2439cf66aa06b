import fc from 'fast-check';
import { signHubSpotRequestV2, signHubSpotRequestV3 } from '../../service/src/hubspot/index.js';
import type { FuzzService } from './fuzz-service.js';
import {
  anyJson,
  type BodyHeaders,
  hugeString,
  nastyString,
  notJsonText,
  truncated,
  withInvalidUtf8,
} from './junk.js';

/**
 * What HubSpot itself POSTs (workflow actions, webhooks), made malformed: a valid payload with one field broken in a
 * way the documented shape refuses (junk in unknown keys is added too: these schemas keep unknown keys, so it must
 * not matter), or a body wrong as a whole; then signed correctly (v3, or v2 where workflow actions may use it), so
 * it reaches validation. The payloads themselves are in workflow-payloads.ts and webhook-payloads.ts.
 */

export type Json = Record<string, unknown>;
export type JsonPath = readonly string[];
/** Removes the field. */
export const REMOVE = Symbol('remove');
export type Breakage = { readonly path: JsonPath; readonly value: fc.Arbitrary<unknown> };

export const notObject = fc.oneof(
  nastyString,
  fc.integer(),
  fc.boolean(),
  fc.array(anyJson, { maxLength: 2 }),
  fc.constant(null),
);
export const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(anyJson, { maxLength: 2 }),
  fc.dictionary(nastyString, anyJson, { maxKeys: 2 }),
  fc.constant(null),
);
export const notInt = fc.oneof(
  nastyString,
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(2 ** 53, 2 ** 60, 1e300),
  fc.boolean(),
  fc.constant(null),
);
export const notPositiveInt = fc.oneof(notInt, fc.integer({ min: -1_000_000, max: 0 }));
/** Text longer than `max` characters. */
export const longerThan = (max: number): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: max + 1, max: max + 500 }), nastyString).map(([n, s]) => `${s}${'x'.repeat(n)}`);
/** Text with a NUL in it: Postgres cannot store it, so every field refuses it. */
export const withNul = nastyString.map((s) => `a\u0000${s}`);

export function set(target: Json, path: JsonPath, value: unknown): Json {
  const copy = structuredClone(target);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path[path.length - 1]!;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

/** Junk in unknown keys of the top-level object: ignored by the loose schemas, so the breakage still decides. */
export const junkKeys = fc.dictionary(
  nastyString.map((k) => `zz_${k}`),
  fc.oneof(anyJson, hugeString),
  { maxKeys: 2 },
);

export function broken(
  valid: Json,
  breakages: readonly Breakage[],
): fc.Arbitrary<{ what: string; body: Json }> {
  return fc.tuple(fc.constantFrom(...breakages), junkKeys).chain(([b, junk]) =>
    b.value.map((value) => ({
      what: `${b.path.join('.')} broken`,
      body: { ...set(valid, b.path, value), ...junk },
    })),
  );
}

/** Bodies broken as a whole: not an object, not JSON, cut short, not UTF-8, over 1 MB. */
export function wholeBodies(
  text: string,
  nonObject: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ what: string; raw: Buffer }> {
  return fc.oneof(
    nonObject.map((v) => ({ what: 'body of the wrong shape', raw: Buffer.from(JSON.stringify(v)) })),
    notJsonText.map((s) => ({ what: 'body not JSON', raw: Buffer.from(s) })),
    truncated(text).map((s) => ({ what: 'body cut short', raw: Buffer.from(s) })),
    withInvalidUtf8(text).map((raw) => ({ what: 'body not UTF-8', raw })),
    fc
      .integer({ min: 1_048_577, max: 1_200_000 })
      .map((n) => ({ what: 'body over 1 MB', raw: Buffer.alloc(n, 0x20) })),
  );
}

/** Signed as HubSpot signs workflow calls: v3, or the older v2 (both accepted there). */
export function hubspotSigned(
  t: FuzzService,
  path: string,
  raw: Buffer,
  version: 'v2' | 'v3',
  bodyHeaders: BodyHeaders,
) {
  const uri = `${t.service.url}${path}`;
  const signature =
    version === 'v3'
      ? signHubSpotRequestV3({
          method: 'POST',
          uri,
          rawBody: raw,
          clientSecret: t.clientSecret,
          timestampMs: t.clock.now(),
        })
      : signHubSpotRequestV2({ method: 'POST', uri, rawBody: raw, clientSecret: t.clientSecret });
  return {
    method: 'POST',
    url: uri,
    headers: { ...signature, ...bodyHeaders },
    body: raw,
  };
}
