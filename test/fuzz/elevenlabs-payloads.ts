import fc from 'fast-check';
import { signElevenLabsPayload } from '../../service/src/elevenlabs/index.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import {
  anyJson,
  type BodyHeaders,
  contentType,
  JSON_BODY,
  nastyString,
  nonObjectJson,
  notJsonText,
  withInvalidUtf8,
} from './junk.js';
import { longerThan } from './payload-breakage.js';

/**
 * ElevenLabs post-call webhooks made malformed: correctly signed bodies that are not a webhook envelope (400), and
 * any body with a missing, forged, stale or future signature, or one over other bytes or with another secret (401).
 * An envelope with a string `type` is stored whatever its type (unknown types are kept), so malformed here means
 * what the route refuses: not UTF-8, not JSON, no string type, a type or conversation id too long, an oversized
 * body that is not a post_call_audio.
 */

const PATH = '/webhooks/elevenlabs';

function envelope(t: FuzzService): Record<string, unknown> {
  return {
    type: 'post_call_transcription',
    event_timestamp: Math.floor(t.clock.now() / 1000),
    data: { agent_id: t.demo.agentId, conversation_id: 'conv_fuzz_0001', status: 'done' },
  };
}

const post = (
  t: FuzzService,
  what: string,
  raw: Buffer,
  signature: string | null,
  bodyHeaders: BodyHeaders,
): FuzzRequest => ({
  label: `POST ${PATH}: ${what}`,
  method: 'POST',
  url: `${t.service.url}${PATH}`,
  headers: {
    ...(signature === null ? {} : { 'ElevenLabs-Signature': signature }),
    ...bodyHeaders,
  },
  body: raw,
});

/** Correctly signed bodies the route refuses: 400. */
export function malformedEnvelopeCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const valid = envelope(t);
  const text = JSON.stringify(valid);
  const bodies: fc.Arbitrary<[string, Buffer]> = fc.oneof(
    withInvalidUtf8(text).map((raw): [string, Buffer] => ['not UTF-8', raw]),
    notJsonText.map((s): [string, Buffer] => ['not JSON', Buffer.from(s)]),
    fc
      .oneof(nonObjectJson, fc.constant(null))
      .map((v): [string, Buffer] => ['not an object', Buffer.from(JSON.stringify(v))]),
    fc
      .oneof(
        fc.constant(undefined),
        nastyString.map((s) => s.length),
        fc.boolean(),
        fc.array(anyJson),
        fc.constant(null),
      )
      .map((type): [string, Buffer] => ['no string type', Buffer.from(JSON.stringify({ ...valid, type }))]),
    longerThan(100).map((type): [string, Buffer] => [
      'type too long',
      Buffer.from(JSON.stringify({ ...valid, type })),
    ]),
    longerThan(256).map((id): [string, Buffer] => [
      'conversation id too long',
      Buffer.from(JSON.stringify({ ...valid, data: { ...(valid.data as object), conversation_id: id } })),
    ]),
  );
  // Now and then a body past 2 MB that is not a post_call_audio (only audio may be that big).
  const oversized = fc
    .integer({ min: 2 * 1024 * 1024 + 1, max: 2 * 1024 * 1024 + 50_000 })
    .map((n): [string, Buffer] => [
      'over 2 MB, not audio',
      Buffer.concat([Buffer.from(text), Buffer.alloc(n, 0x20)]),
    ]);
  return fc
    .tuple(fc.oneof({ weight: 30, arbitrary: bodies }, { weight: 1, arbitrary: oversized }), contentType)
    .map(([[what, raw], type]) =>
      post(t, what, raw, signElevenLabsPayload(raw, t.webhookSecret, Math.floor(t.clock.now() / 1000)), type),
    );
}

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

/** Any body (a valid envelope too) with a signature that must not pass: 401, and nothing stored. */
export function badSignatureCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const nowSec = () => Math.floor(t.clock.now() / 1000);
  const body = fc.oneof(
    fc.constant(JSON.stringify(envelope(t))),
    fc.constant(JSON.stringify({ ...envelope(t), type: 'post_call_audio' })),
    notJsonText,
  );
  type Signer = (raw: string) => { what: string; header: string | null };
  const signers: fc.Arbitrary<Signer> = fc.oneof(
    fc.constant<Signer>(() => ({ what: 'no signature', header: null })),
    fc
      .string({ unit: 'grapheme-ascii', maxLength: 120 })
      .map<Signer>((h) => () => ({ what: `header ${h}`, header: h })),
    hex64.map<Signer>((v0) => () => ({ what: 'forged v0', header: `t=${nowSec()},v0=${v0}` })),
    fc.integer({ min: 30 * 60 + 1, max: 1e9 }).map<Signer>((ago) => (raw) => ({
      what: `signed ${ago} s ago`,
      header: signElevenLabsPayload(raw, t.webhookSecret, nowSec() - ago),
    })),
    fc.integer({ min: 5 * 60 + 1, max: 1e9 }).map<Signer>((ahead) => (raw) => ({
      what: `signed ${ahead} s ahead`,
      header: signElevenLabsPayload(raw, t.webhookSecret, nowSec() + ahead),
    })),
    // HMAC pads short keys with zero bytes: a secret with only NULs appended is the same key.
    nastyString
      .filter((s) => s.replaceAll('\u0000', '') !== '')
      .map<Signer>((extra) => (raw) => ({
        what: 'another secret',
        header: signElevenLabsPayload(raw, `${t.webhookSecret}${extra}`, nowSec()),
      })),
    fc.constant<Signer>((raw) => ({
      what: 'signed over other bytes',
      header: signElevenLabsPayload(`${raw} `, t.webhookSecret, nowSec()),
    })),
  );
  return fc.tuple(body, signers).map(([raw, sign]) => {
    const { what, header } = sign(raw);
    return { ...post(t, what, Buffer.from(raw), header, JSON_BODY), expect: [401] };
  });
}
