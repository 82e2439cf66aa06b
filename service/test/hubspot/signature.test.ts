import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  normalizeUriForV3,
  signHubSpotRequestV2,
  signHubSpotRequestV3,
  verifyHubSpotSignature,
} from '../../src/hubspot/signature.js';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const NOW = 1_759_331_232_123;
const URI =
  'https://api.example.org/campaigns?userId=1234567&portalId=44556677&userEmail=ada%40charity.org&appId=22558790';
const BODY = '{"listId":"187","name":"Spring appeal 2025","callWindow":{"start":"09:00","end":"20:00"}}';

function signedV3(overrides: { timestampMs?: number; secret?: string; uri?: string; body?: string } = {}) {
  return signHubSpotRequestV3({
    method: 'POST',
    uri: overrides.uri ?? URI,
    rawBody: overrides.body ?? BODY,
    clientSecret: overrides.secret ?? SECRET,
    timestampMs: overrides.timestampMs ?? NOW - 1_000,
  });
}

const verify = (
  headers: Record<string, string>,
  extra: { uri?: string; body?: string; allowV2?: boolean } = {},
) =>
  verifyHubSpotSignature({
    method: 'POST',
    uri: extra.uri ?? URI,
    rawBody: extra.body ?? BODY,
    headers,
    clientSecret: SECRET,
    nowMs: NOW,
    allowV2: extra.allowV2 ?? false,
  });

describe('HubSpot v3 signatures', () => {
  it('accepts a request signed with the client secret', () => {
    expect(verify(signedV3())).toEqual({ ok: true, version: 'v3' });
  });

  it('matches the documented construction: base64 HMAC-SHA256 of method + URI + body + timestamp', () => {
    const timestamp = String(NOW);
    const expected = createHmac('sha256', SECRET)
      .update(`POST${'https://api.example.org/campaigns?userEmail=ada@charity.org'}${BODY}${timestamp}`)
      .digest('base64');
    const headers = { 'x-hubspot-signature-v3': expected, 'x-hubspot-request-timestamp': timestamp };
    expect(verify(headers, { uri: 'https://api.example.org/campaigns?userEmail=ada%40charity.org' })).toEqual(
      {
        ok: true,
        version: 'v3',
      },
    );
  });

  it('reads header names in any case, and from a fetch Headers', () => {
    const signed = signedV3();
    expect(verify(signed).ok).toBe(true);
    const headers = new Headers(signed);
    const result = verifyHubSpotSignature({
      method: 'POST',
      uri: URI,
      rawBody: Buffer.from(BODY),
      headers,
      clientSecret: SECRET,
      nowMs: NOW,
    });
    expect(result).toEqual({ ok: true, version: 'v3' });
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(signedV3({ secret: 'someone-else' }))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a tampered body', () => {
    expect(verify(signedV3(), { body: BODY.replace('187', '188') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a different URI (another portal id in the query)', () => {
    expect(verify(signedV3(), { uri: URI.replace('44556677', '11111111') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a timestamp older than 5 minutes', () => {
    expect(verify(signedV3({ timestampMs: NOW - 300_001 }))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verify(signedV3({ timestampMs: NOW - 300_000 })).ok).toBe(true);
  });

  it('rejects a timestamp more than 5 minutes in the future', () => {
    expect(verify(signedV3({ timestampMs: NOW + 300_001 }))).toEqual({
      ok: false,
      reason: 'future_timestamp',
    });
  });

  it('rejects a missing signature, a missing timestamp and malformed values', () => {
    const { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp } = signedV3();
    expect(verify({})).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verify({ 'X-HubSpot-Signature-v3': signature })).toEqual({
      ok: false,
      reason: 'missing_timestamp',
    });
    expect(
      verify({ 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': '17593312e3' }),
    ).toEqual({
      ok: false,
      reason: 'malformed_timestamp',
    });
    expect(
      verify({ 'X-HubSpot-Signature-v3': 'not base64!', 'X-HubSpot-Request-Timestamp': timestamp }),
    ).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(
      verify({ 'X-HubSpot-Signature-v3': signature.slice(0, 20), 'X-HubSpot-Request-Timestamp': timestamp }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('decodes the listed escapes in the URI before hashing, and only those', () => {
    expect(normalizeUriForV3('https://h/p%3Aa%2Fb%3Fc%40d%21e%24f%27g%28h%29i%2Aj%2Ck%3Bl')).toBe(
      "https://h/p:a/b?c@d!e$f'g(h)i*j,k;l",
    );
    expect(normalizeUriForV3('https://h/p?x=a%3ab%2c')).toBe('https://h/p?x=a:b,');
    // %20, %26 and %3D change meaning when decoded, so they stay encoded.
    expect(normalizeUriForV3('https://h/p?q=a%20b%26c%3Dd')).toBe('https://h/p?q=a%20b%26c%3Dd');
  });

  it('verifies a URI whether the listed characters arrive encoded or not', () => {
    const encoded = 'https://api.example.org/hooks?email=ada%40charity.org&tags=a%2Cb&note=%28x%29';
    const decoded = 'https://api.example.org/hooks?email=ada@charity.org&tags=a,b&note=(x)';
    expect(verify(signedV3({ uri: decoded }), { uri: encoded })).toEqual({ ok: true, version: 'v3' });
    expect(verify(signedV3({ uri: encoded }), { uri: decoded })).toEqual({ ok: true, version: 'v3' });
  });
});

describe('HubSpot v2 signatures (workflow actions)', () => {
  const ACTION_URI = 'https://api.example.org/hubspot/actions/queue-call';
  const ACTION_BODY = '{"callbackId":"ap-44556677-9988776655-3-0","origin":{"portalId":44556677}}';
  const v2 = (secret = SECRET, body = ACTION_BODY) =>
    signHubSpotRequestV2({ method: 'POST', uri: ACTION_URI, rawBody: body, clientSecret: secret });

  it('matches the documented construction: sha256 hex of secret + method + URI + body', () => {
    const expected = createHash('sha256').update(`${SECRET}POST${ACTION_URI}${ACTION_BODY}`).digest('hex');
    expect(v2()['X-HubSpot-Signature']).toBe(expected);
  });

  it('accepts v2 only where the caller allows it', () => {
    expect(verify(v2(), { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: true,
      version: 'v2',
    });
    expect(verify(v2(), { uri: ACTION_URI, body: ACTION_BODY, allowV2: false })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('rejects a wrong secret and a tampered body', () => {
    expect(verify(v2('other'), { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify(v2(), { uri: ACTION_URI, body: ACTION_BODY.replace('3-0', '4-0'), allowV2: true })).toEqual(
      {
        ok: false,
        reason: 'mismatch',
      },
    );
  });

  it('rejects v1 signatures and malformed v2 ones', () => {
    const v1 = createHash('sha256').update(`${SECRET}${ACTION_BODY}`).digest('hex');
    const headers = { 'X-HubSpot-Signature': v1, 'X-HubSpot-Signature-Version': 'v1' };
    expect(verify(headers, { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: false,
      reason: 'unsupported_version',
    });
    const malformed = { 'X-HubSpot-Signature': 'xyz', 'X-HubSpot-Signature-Version': 'v2' };
    expect(verify(malformed, { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
  });

  it('falls back to v2 when a v3 signature does not match, but never past a stale v3 timestamp', () => {
    const badV3 = signHubSpotRequestV3({
      method: 'POST',
      uri: ACTION_URI,
      rawBody: ACTION_BODY,
      clientSecret: 'other',
      timestampMs: NOW,
    });
    const both = { ...badV3, ...v2() };
    expect(verify(both, { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: true,
      version: 'v2',
    });
    expect(verify(both, { uri: ACTION_URI, body: ACTION_BODY, allowV2: false })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const staleV3 = signHubSpotRequestV3({
      method: 'POST',
      uri: ACTION_URI,
      rawBody: ACTION_BODY,
      clientSecret: SECRET,
      timestampMs: NOW - 600_000,
    });
    expect(verify({ ...staleV3, ...v2() }, { uri: ACTION_URI, body: ACTION_BODY, allowV2: true })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });
});
