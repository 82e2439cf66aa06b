import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signElevenLabsPayload, verifyElevenLabsSignature } from '../../src/elevenlabs/webhook-signature.js';
import { FIXTURES, fixtureText } from './fixtures/index.js';

const SECRET = 'wsec_test_0123456789abcdef';
const rawBody = fixtureText(FIXTURES.postCallTranscription);
const T = 1767000110;
const NOW_MS = T * 1000 + 2_000;

function verify(
  header: string | undefined,
  options: { body?: Buffer | string; secret?: string; nowMs?: number } = {},
) {
  return verifyElevenLabsSignature({
    rawBody: options.body ?? rawBody,
    header,
    secret: options.secret ?? SECRET,
    nowMs: options.nowMs ?? NOW_MS,
  });
}

describe('ElevenLabs webhook signatures', () => {
  it('accepts a valid signature and returns its timestamp', () => {
    expect(verify(signElevenLabsPayload(rawBody, SECRET, T))).toEqual({ ok: true, timestamp: T });
  });

  it('signs exactly as documented: hex HMAC-SHA256 of "t.body"', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${rawBody}`).digest('hex');
    expect(signElevenLabsPayload(rawBody, SECRET, T)).toBe(`t=${T},v0=${expected}`);
  });

  it('accepts the raw body as a Buffer, byte for byte', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T);
    expect(verify(header, { body: Buffer.from(rawBody, 'utf8') })).toEqual({ ok: true, timestamp: T });
  });

  it('tolerates spaces after the comma', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T).replace(',', ', ');
    expect(verify(header).ok).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(verify(signElevenLabsPayload(rawBody, 'another-secret', T))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a tampered body', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T);
    const tampered = rawBody.replace('"value": 75', '"value": 750');
    expect(tampered).not.toBe(rawBody);
    expect(verify(header, { body: tampered })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses the same body re-serialised (whitespace differs)', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T);
    expect(verify(header, { body: JSON.stringify(JSON.parse(rawBody)) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a timestamp moved after signing', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T).replace(`t=${T}`, `t=${T + 1}`);
    expect(verify(header)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature older than 30 minutes and accepts one of exactly 30', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T);
    expect(verify(header, { nowMs: (T + 31 * 60) * 1000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verify(header, { nowMs: (T + 30 * 60) * 1000 }).ok).toBe(true);
  });

  it('refuses a signature more than 5 minutes in the future and accepts one 4 minutes ahead', () => {
    const header = signElevenLabsPayload(rawBody, SECRET, T);
    expect(verify(header, { nowMs: (T - 6 * 60) * 1000 })).toEqual({ ok: false, reason: 'future' });
    expect(verify(header, { nowMs: (T - 4 * 60) * 1000 }).ok).toBe(true);
  });

  it.each([
    ['no v0', `t=${T}`],
    ['no timestamp', `v0=${'a'.repeat(64)}`],
    ['a non-numeric timestamp', `t=yesterday,v0=${'a'.repeat(64)}`],
    ['a short hash', `t=${T},v0=abc123`],
    ['a non-hex hash', `t=${T},v0=${'z'.repeat(64)}`],
    ['a part without "="', `t=${T},v0`],
    ['two timestamps', `t=${T},t=${T},v0=${'a'.repeat(64)}`],
    ['a bare hash', 'a'.repeat(64)],
    ['garbage', 'Bearer abc'],
  ])('refuses a malformed header: %s', (_label, header) => {
    expect(verify(header)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a missing or empty header', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(verify('')).toEqual({ ok: false, reason: 'missing' });
    expect(verify('   ')).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts when one of several v0 signatures matches (secret rotation)', () => {
    const good = signElevenLabsPayload(rawBody, SECRET, T);
    const other = signElevenLabsPayload(rawBody, 'old-secret', T).split(',')[1];
    expect(verify(`${good.split(',')[0]},${other},${good.split(',')[1]}`).ok).toBe(true);
  });
});
