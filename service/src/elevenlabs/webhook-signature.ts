import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `ElevenLabs-Signature: t=<unix secs>,v0=<hex>`, where v0 = hex HMAC-SHA256(secret, `${t}.${rawBody}`).
 * Stricter than the SDK's `constructEvent`: constant-time comparison, and a future timestamp is refused too.
 */

export const SIGNATURE_HEADER = 'elevenlabs-signature';
/** The SDK and the docs accept 30 minutes of age; a receiver that is down that long relies on reconciliation. */
export const MAX_SIGNATURE_AGE_MS = 30 * 60 * 1000;
/** Clock skew allowed the other way. */
export const MAX_SIGNATURE_FUTURE_MS = 5 * 60 * 1000;

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch' };

interface ParsedHeader {
  timestamp: string;
  signatures: Buffer[];
}

const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function parseHeader(header: string): ParsedHeader | null {
  let timestamp: string | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !TIMESTAMP.test(value)) return null;
      timestamp = value;
    } else if (key === 'v0') {
      if (!HEX_SHA256.test(value)) return null;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (a future v1) are ignored, as Stripe-style headers intend.
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

function digest(rawBody: Buffer | string, secret: string, timestamp: string): Buffer {
  // Bytes exactly as received: re-serialised JSON would not match.
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

export type SignatureStart =
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' }
  | { ok: true; update(chunk: Buffer | string): void; finish(): SignatureCheck };

/**
 * Starts checking a signature before the body has arrived, so the body can be hashed as it streams in (a chunked
 * post_call_audio can be megabytes; it is never held whole just to verify it). Header and timestamp problems are
 * known at once, without reading the body.
 */
export function beginSignatureCheck(input: {
  header: string | undefined;
  secret: string;
  nowMs: number;
}): SignatureStart {
  if (input.header === undefined || input.header.trim() === '') return { ok: false, reason: 'missing' };
  const parsed = parseHeader(input.header);
  if (parsed === null) return { ok: false, reason: 'malformed' };
  const timestamp = Number(parsed.timestamp);
  const ageMs = input.nowMs - timestamp * 1000;
  if (ageMs > MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'stale' };
  if (-ageMs > MAX_SIGNATURE_FUTURE_MS) return { ok: false, reason: 'future' };
  // Bytes exactly as received: re-serialised JSON would not match.
  const hmac = createHmac('sha256', input.secret).update(`${parsed.timestamp}.`);
  return {
    ok: true,
    update: (chunk) => {
      hmac.update(chunk);
    },
    finish: () => {
      const expected = hmac.digest();
      // Every candidate is compared (no early exit), each in constant time; lengths are equal by the regex.
      let matched = false;
      for (const candidate of parsed.signatures) {
        if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
      }
      return matched ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
    },
  };
}

export function verifyElevenLabsSignature(input: {
  rawBody: Buffer | string;
  header: string | undefined;
  secret: string;
  nowMs: number;
}): SignatureCheck {
  const check = beginSignatureCheck(input);
  if (!check.ok) return check;
  check.update(input.rawBody);
  return check.finish();
}

/** The header value ElevenLabs would send for this body; the sandbox signs its webhooks with it. */
export function signElevenLabsPayload(
  rawBody: Buffer | string,
  secret: string,
  timestampSecs: number,
): string {
  const t = String(Math.floor(timestampSecs));
  return `t=${t},v0=${digest(rawBody, secret, t).toString('hex')}`;
}
