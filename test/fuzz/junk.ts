import fc from 'fast-check';

/**
 * Building blocks of bad input shared by the fuzz suites: nasty text, values of the wrong JSON type, huge strings,
 * deep nesting, bodies that are not JSON or not UTF-8, and content types. Bodies are built as text, not objects:
 * a 20,000-deep nest would overflow JSON.stringify here before the service ever saw it.
 */

/** Text that breaks naive code: NUL, lone surrogates, SQL, paths, format strings, lookalike numbers and JSON. */
const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "'; DROP TABLE campaigns; --",
  '../../../etc/passwd',
  '%00',
  '%s%s%n',
  // Split so the linter does not take it for a template literal missing its backticks.
  '$' + '{jndi:ldap://x}',
  '<script>alert(1)</script>',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '\uDFFF',
  '𝕏',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e400',
  '0x10',
  '\n',
  '\\',
  '"',
  '{}',
  '[]',
];

const binaryText = fc.string({ unit: 'binary', maxLength: 40 });

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXT) },
  { weight: 2, arbitrary: binaryText },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // A NUL inside other text: random strings seldom have one, and it is what Postgres refuses.
  { weight: 1, arbitrary: fc.tuple(binaryText, binaryText).map(([a, b]) => `${a}\u0000${b}`) },
);

/** 10,000 to 300,000 characters of one short pattern (any code point): past every max length we have. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10_000, max: 300_000 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

/** Any JSON value, strings of any code point (NUL included). */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });

type JsonKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

const BY_KIND: Record<Exclude<JsonKind, 'null'>, fc.Arbitrary<unknown>> = {
  string: nastyString,
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  array: fc.array(anyJson, { maxLength: 3 }),
  object: fc.dictionary(nastyString, anyJson, { maxKeys: 3 }),
};

/**
 * A value of another JSON type than `value` (never null: an optional field may legitimately take null). Where the
 * schema wants a string, a number; where it wants a list, an object; and so on.
 */
export function wrongType(value: unknown): fc.Arbitrary<unknown> {
  const own = kindOf(value);
  return fc.oneof(
    ...Object.entries(BY_KIND)
      .filter(([kind]) => kind !== own)
      .map(([, arbitrary]) => arbitrary),
  );
}

/** Any JSON value except an object and null: a body whose shape is wrong as a whole. */
export const nonObjectJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(anyJson, { maxLength: 4 }),
  nastyString,
  BY_KIND.number,
  fc.boolean(),
);

/** JSON text nested `depth` levels deep (arrays or objects), as text. */
export const deepNestText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('array', 'object'))
  .map(([depth, kind]) =>
    kind === 'array'
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** A placeholder a raw JSON fragment (a deep nest) replaces once the rest of the body is stringified. */
export const RAW_MARK = '\u0001raw\u0001';

/** JSON.stringify, then each RAW_MARK string is replaced by its fragment in order. */
export function stringifyWithRaw(value: unknown, fragments: readonly string[]): string {
  let i = 0;
  return JSON.stringify(value).replaceAll(JSON.stringify(RAW_MARK), () => fragments[i++] ?? 'null');
}

/** Text JSON.parse refuses: truncated, single-quoted, trailing commas, a BOM, bare words, random text. */
export const notJsonText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      '{',
      '{"a":',
      "{'a':1}",
      '{"a":1,}',
      '[1,]',
      '\uFEFF{}',
      'undefined',
      'NaN',
      '{"a":1}x',
      '<xml/>',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  )
  .filter((text) => !parses(text));

/** A proper prefix of a JSON object's text is never JSON: a body cut short on the way. */
export function truncated(json: string): fc.Arbitrary<string> {
  // At least a byte: an empty body is no body, which an endpoint with nothing required accepts.
  return fc.integer({ min: 1, max: Math.max(1, json.length - 1) }).map((n) => json.slice(0, n));
}

export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Byte sequences that are not UTF-8: a lone continuation byte, a cut sequence, an overlong '/', a surrogate. */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/**
 * The bytes of `json` with an invalid UTF-8 sequence put inside its first string value (else its first string), so
 * the JSON stays well formed and valid if the bytes were decoded leniently: only a UTF-8 check can tell.
 */
export function withInvalidUtf8(json: string): fc.Arbitrary<Buffer> {
  return fc.constantFrom(...INVALID_UTF8).map((bad) => {
    const value = json.indexOf(':"');
    const quote = value < 0 ? json.indexOf('"') : value + 1;
    const at = quote < 0 ? json.length : quote + 1;
    return Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from(bad), Buffer.from(json.slice(at))]);
  });
}

/** Headers describing a body. */
export type BodyHeaders = Readonly<Record<string, string>>;

/**
 * What a client may claim the body is: a Content-Type (a wrong one, a charset nobody decodes, none at all) and now
 * and then a Content-Encoding the bytes do not have (or nobody knows).
 */
export const contentType: fc.Arbitrary<BodyHeaders> = fc
  .tuple(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=nope',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'garbage/;;;',
      undefined,
    ),
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'zz', 'gzip, br') },
    ),
  )
  .map(([type, encoding]) => ({
    ...(type === undefined ? {} : { 'content-type': type }),
    ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
  }));

/** A JSON body's headers, as a well-behaved client sends them. */
export const JSON_BODY: BodyHeaders = { 'content-type': 'application/json' };

/** Path segment text that is not a valid id of any kind we use, encoded, or with raw malformed %-escapes. */
export const badSegment: fc.Arbitrary<string> = fc
  .oneof(
    nastyString.filter((s) => s !== '').map(percentEncoded),
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%%'),
    fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', '_', '%', '~', '!', '$', '*', ','), minLength: 1 }),
  )
  // Dot segments are resolved by the URL parser (they change the route, not the id).
  .filter((s) => !/^(\.|%2e){1,2}$/i.test(s));

/** encodeURIComponent, or every UTF-8 byte escaped where it refuses (a lone surrogate). */
export function percentEncoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}
