import fc from 'fast-check';
import { QUEUES } from '../../service/src/jobs/queues.js';
import { deadLetterPairs } from '../../service/src/ops/index.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { anyJson, badSegment, contentType, nastyString, notJsonText, withInvalidUtf8 } from './junk.js';
import { longerThan } from './payload-breakage.js';

/**
 * The ops surface under bad input. Without the login (or with a wrong one) every /ops path and /metrics is a 401,
 * or a 429 once a client has failed too often. Logged in, a malformed dialling switch is a 400 naming the field,
 * and a redrive of a queue that has no dead letters (404) or from another site (403) moves nothing.
 *
 * The app trusts X-Forwarded-For from loopback (trust proxy), so wrong logins come from many addresses and the
 * fuzz tests the login, not its lockout; some come from one address, which is locked out (429) along the way.
 */

const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
/** The address of the logged-in requests: never one a wrong login came from. */
const OPS_CLIENT = '10.99.0.1';
const LOCKED_CLIENT = '10.66.0.1';

export function wrongLoginCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const user = t.service.ops.credentials?.user ?? 'ops';
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.tuple(nastyString, nastyString).map(([u, p]) => basic(`${u}:${p}`)),
    nastyString.map((p) => basic(`${user}:${p}`)),
    ascii.map((s) => `Basic ${s}`),
    ascii.map((s) => `Bearer ${s}`),
    ascii,
  );
  const path = fc.oneof(
    fc.constantFrom(
      '/ops',
      '/ops/',
      '/metrics',
      '/ops/jobs',
      '/ops/jobs.data',
      '/ops/dialling',
      '/ops/dead-letters',
    ),
    fc
      .tuple(fc.constantFrom('/ops', '/ops/jobs', '/ops/dead-letters', '/metrics'), badSegment)
      .map(([base, segment]) => `${base}/${segment}`),
  );
  const client = fc.oneof(
    { weight: 4, arbitrary: fc.ipV4() },
    { weight: 1, arbitrary: fc.constant(LOCKED_CLIENT) },
  );
  return fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path,
      authorization,
      client: client.filter((ip) => ip !== OPS_CLIENT),
      body: fc.option(anyJson, { nil: undefined }),
    })
    .map(({ method, path: p, authorization: auth, client: ip, body }) => ({
      label: `${method} ${p} with ${auth === undefined ? 'no login' : 'a wrong login'} from ${ip}`,
      method,
      url: `${t.service.url}${p}`,
      headers: {
        'x-forwarded-for': ip,
        ...(auth === undefined ? {} : { authorization: auth }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
      expect: [401, 429],
    }));
}

function loggedIn(t: FuzzService): Record<string, string> {
  const credentials = t.service.ops.credentials;
  if (!credentials) throw new Error('the fuzz service has no ops login');
  return {
    authorization: basic(`${credentials.user}:${credentials.password}`),
    'x-forwarded-for': OPS_CLIENT,
  };
}

/** PUT /ops/dialling with a body the switch refuses: 400 (413 past 16 kB). */
export function diallingCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const valid = { stopped: true, reason: 'fuzz' };
  const text = JSON.stringify(valid);
  const body: fc.Arbitrary<[string, Buffer]> = fc.oneof(
    fc
      .oneof(fc.array(anyJson, { maxLength: 3 }), nastyString, fc.integer(), fc.boolean(), fc.constant(null))
      .map((v): [string, Buffer] => ['not an object', Buffer.from(JSON.stringify(v))]),
    fc.constant<[string, Buffer]>(['no stopped', Buffer.from(JSON.stringify({ reason: 'fuzz' }))]),
    fc
      .oneof(nastyString, fc.integer(), fc.array(anyJson), fc.constant(null), fc.constantFrom('true', 1, 0))
      .map((stopped): [string, Buffer] => [
        'stopped not a boolean',
        Buffer.from(JSON.stringify({ ...valid, stopped })),
      ]),
    fc
      .oneof(
        fc.integer(),
        fc.boolean(),
        fc.array(anyJson),
        fc.constant(null),
        fc.constantFrom('', '   '),
        longerThan(500),
      )
      .map((reason): [string, Buffer] => [
        'reason refused',
        Buffer.from(JSON.stringify({ ...valid, reason })),
      ]),
    nastyString.map((s): [string, Buffer] => [
      'a NUL in the reason',
      Buffer.from(JSON.stringify({ ...valid, reason: `x\u0000${s}` })),
    ]),
    nastyString.map((key): [string, Buffer] => [
      'an unknown field',
      Buffer.from(JSON.stringify({ ...valid, [`zz_${key}`]: 1 })),
    ]),
    notJsonText.map((s): [string, Buffer] => ['not JSON', Buffer.from(s)]),
    withInvalidUtf8(text).map((raw): [string, Buffer] => ['not UTF-8', raw]),
    fc
      .integer({ min: 16 * 1024 + 1, max: 40_000 })
      .map((n): [string, Buffer] => ['over 16 kB', Buffer.alloc(n, 0x20)]),
  );
  // A body that is not JSON by its content type is no body: `stopped` is then missing, also a 400.
  return fc.tuple(body, contentType).map(([[what, raw], type]) => ({
    label: `PUT /ops/dialling: ${what} (${JSON.stringify(type)})`,
    method: 'PUT',
    url: `${t.service.url}/ops/dialling`,
    headers: { ...loggedIn(t), ...type },
    body: raw,
  }));
}

/** Redrives, logged in, of queues with no dead letters (404) or from a page of another site (403). */
export function redriveCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const deadLetters = deadLetterPairs(QUEUES).map((p) => p.deadLetter);
  const own = new URL(t.service.url).host;
  const origin = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('null', 'http://evil.example', 'https://localhost.evil.example', 'file://'),
    ascii.filter((s) => !s.includes(own)),
  );
  const queue = fc.oneof(
    fc.constantFrom(...deadLetters).map((name) => ({ name, known: true })),
    fc.oneof(badSegment, nastyString.map(encodeSegment)).map((name) => ({ name, known: false })),
  );
  return fc.tuple(queue, origin).map(([{ name, known }, from]) => ({
    label: `POST /ops/dead-letters/${name}/redrive from ${from ?? 'no origin'}`,
    method: 'POST',
    url: `${t.service.url}/ops/dead-letters/${name}/redrive`,
    headers: { ...loggedIn(t), accept: 'application/json', ...(from === undefined ? {} : { origin: from }) },
    // A known queue with a foreign Origin is a 403; an unknown one is a 404 (or a 400 for a malformed %-escape).
    ...(known ? { expect: [403] } : {}),
  }));
}

function encodeSegment(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('hex').replace(/(..)/g, '%$1');
  return encoded === '' ? 'x' : encoded;
}
