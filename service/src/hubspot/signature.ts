import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot rejects, and so do we, v3 timestamps more than 5 minutes old (Signature.MAX_ALLOWED_TIMESTAMP). */
export const MAX_SIGNATURE_AGE_MS = 300_000;

export const HEADER_SIGNATURE_V3 = 'x-hubspot-signature-v3';
export const HEADER_TIMESTAMP = 'x-hubspot-request-timestamp';
export const HEADER_SIGNATURE = 'x-hubspot-signature';
export const HEADER_SIGNATURE_VERSION = 'x-hubspot-signature-version';

export type SignatureFailure =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'malformed_signature'
  | 'mismatch'
  | 'unsupported_version';

export type SignatureCheck =
  | { readonly ok: true; readonly version: 'v3' | 'v2' }
  | { readonly ok: false; readonly reason: SignatureFailure };

/** Node's IncomingHttpHeaders, a fetch Headers, or a plain record: names are matched case-insensitively. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyHubSpotSignatureInput {
  readonly method: string;
  /** The full public URI HubSpot called, e.g. `https://api.example.org/hubspot/actions?portalId=1`. */
  readonly uri: string;
  readonly rawBody: string | Buffer;
  readonly headers: HeaderSource;
  readonly clientSecret: string;
  readonly nowMs: number;
  /** Workflow-action calls may carry only the older v2 signature. */
  readonly allowV2?: boolean;
}

// Per HubSpot's request-validation docs, these escapes are decoded in the URI before hashing (v3 only).
const DECODED_IN_URI: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function normalizeUriForV3(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED_IN_URI[m.toUpperCase()] ?? m);
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = typeof value === 'string' ? value : value?.[0];
    return first === undefined ? undefined : first.trim();
  }
  return undefined;
}

function computeV3(
  secret: string,
  method: string,
  uri: string,
  body: string | Buffer,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(method.toUpperCase())
    .update(normalizeUriForV3(uri))
    .update(body)
    .update(timestamp)
    .digest('base64');
}

function computeV2(secret: string, method: string, uri: string, body: string | Buffer): string {
  return createHash('sha256')
    .update(secret)
    .update(method.toUpperCase())
    .update(uri)
    .update(body)
    .digest('hex');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkV3(input: VerifyHubSpotSignatureInput, signature: string): SignatureCheck {
  const timestamp = header(input.headers, HEADER_TIMESTAMP);
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'missing_timestamp' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const age = input.nowMs - Number(timestamp);
  if (age > MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'stale_timestamp' };
  if (age < -MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'future_timestamp' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: 'malformed_signature' };
  const expected = computeV3(input.clientSecret, input.method, input.uri, input.rawBody, timestamp);
  const matches = sameBytes(Buffer.from(signature, 'base64'), Buffer.from(expected, 'base64'));
  return matches ? { ok: true, version: 'v3' } : { ok: false, reason: 'mismatch' };
}

function checkV2(input: VerifyHubSpotSignatureInput, signature: string): SignatureCheck {
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'malformed_signature' };
  const expected = computeV2(input.clientSecret, input.method, input.uri, input.rawBody);
  const matches = sameBytes(Buffer.from(signature, 'hex'), Buffer.from(expected, 'hex'));
  return matches ? { ok: true, version: 'v2' } : { ok: false, reason: 'mismatch' };
}

/**
 * Checks that a request came from HubSpot. v3 (HMAC-SHA256 over method + URI + body + timestamp, base64) is
 * preferred; with allowV2, a request whose v3 signature is absent or does not match may pass on its v2 signature
 * (sha256 hex of secret + method + URI + body). A v3 timestamp outside the 5-minute window is a replay and fails
 * outright. v2 carries no timestamp, so callers that allow it must deduplicate (workflow actions: by callbackId).
 */
export function verifyHubSpotSignature(input: VerifyHubSpotSignatureInput): SignatureCheck {
  const v3 = header(input.headers, HEADER_SIGNATURE_V3);
  const v3Result = v3 === undefined || v3 === '' ? undefined : checkV3(input, v3);
  if (v3Result?.ok) return v3Result;
  if (v3Result !== undefined && v3Result.reason !== 'mismatch' && v3Result.reason !== 'malformed_signature')
    return v3Result;

  const legacy = header(input.headers, HEADER_SIGNATURE);
  const version = header(input.headers, HEADER_SIGNATURE_VERSION)?.toLowerCase();
  if (input.allowV2 === true && legacy !== undefined && legacy !== '') {
    if (version !== 'v2') return v3Result ?? { ok: false, reason: 'unsupported_version' };
    const v2Result = checkV2(input, legacy);
    return v2Result.ok ? v2Result : (v3Result ?? v2Result);
  }
  return v3Result ?? { ok: false, reason: 'missing_signature' };
}

/** Signs as HubSpot does, for the sandbox's fake HubSpot and for tests. */
export function signHubSpotRequestV3(input: {
  method: string;
  uri: string;
  rawBody: string | Buffer;
  clientSecret: string;
  timestampMs: number;
}): { 'X-HubSpot-Signature-v3': string; 'X-HubSpot-Request-Timestamp': string } {
  const timestamp = String(Math.trunc(input.timestampMs));
  return {
    'X-HubSpot-Signature-v3': computeV3(
      input.clientSecret,
      input.method,
      input.uri,
      input.rawBody,
      timestamp,
    ),
    'X-HubSpot-Request-Timestamp': timestamp,
  };
}

export function signHubSpotRequestV2(input: {
  method: string;
  uri: string;
  rawBody: string | Buffer;
  clientSecret: string;
}): { 'X-HubSpot-Signature': string; 'X-HubSpot-Signature-Version': 'v2' } {
  return {
    'X-HubSpot-Signature': computeV2(input.clientSecret, input.method, input.uri, input.rawBody),
    'X-HubSpot-Signature-Version': 'v2',
  };
}
