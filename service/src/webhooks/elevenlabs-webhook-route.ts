import { type Request, Router } from 'express';
import { type Clock, wireNow } from '../core/clock.js';
import { parseJsonText } from '../core/json-text.js';
import type { Metrics } from '../core/metrics.js';
import { beginSignatureCheck, SIGNATURE_HEADER } from '../elevenlabs/index.js';
import { type EventWriter, eventDedupeKey, type IncomingEvent } from './event-writer.js';

/** Bodies up to this size are kept and parsed; beyond it only a post_call_audio is expected, hashed and dropped. */
const MAX_KEPT_BYTES = 2 * 1024 * 1024;
/** Where to look for the type and conversation id of an oversized body. */
const HEAD_BYTES = 4096;

export interface WebhookRouteOptions {
  readonly secret: string;
  readonly writer: EventWriter;
  /**
   * Signature timestamps are checked against the engine's clock's wire time (the sandbox's fake signs with the same
   * one): the engine's own time, or real time when the sandbox's clock runs faster.
   */
  readonly clock: Clock;
  readonly metrics?: Metrics;
}

/**
 * POST /webhooks/elevenlabs. The raw bytes are hashed as they stream in (HMAC over `${t}.${body}`); a missing,
 * malformed, stale, future or wrong signature is a 401 and nothing is stored. A valid event is stored, keyed on
 * its natural key, with its processing job, and only then acknowledged: 200 means it cannot be lost. Unknown
 * event types are stored and acknowledged too. Processing happens in the `webhook-process` job.
 */
export function elevenLabsWebhookRoutes(options: WebhookRouteOptions): Router {
  const router = Router();
  const count = options.metrics?.webhookReceived.bind(options.metrics) ?? (() => {});
  router.post('/webhooks/elevenlabs', async (req, res, next) => {
    try {
      const check = beginSignatureCheck({
        header: req.get(SIGNATURE_HEADER),
        secret: options.secret,
        nowMs: wireNow(options.clock),
      });
      if (!check.ok) {
        req.resume(); // discard the body unread
        count(null, 'invalid_signature');
        res.status(401).json({ error: { code: 'invalid_signature', message: `signature ${check.reason}` } });
        return;
      }
      const { kept, head, oversized } = await readBody(req, check.update);
      const verdict = check.finish();
      if (!verdict.ok) {
        count(null, 'invalid_signature');
        res
          .status(401)
          .json({ error: { code: 'invalid_signature', message: `signature ${verdict.reason}` } });
        return;
      }
      const parsed = oversized ? oversizedEvent(head) : parseEvent(kept);
      if (!parsed.ok) {
        count(null, 'invalid_body');
        res.status(400).json({
          error: {
            code: 'invalid_request',
            field: parsed.field,
            message: `${parsed.field}: ${parsed.message}`,
          },
        });
        return;
      }
      const result = await options.writer.write(parsed.event);
      count(parsed.event.eventType, result === 'unstorable' ? 'unstorable' : 'valid');
      if (result === 'unstorable') {
        // Postgres refused this event's content (it is not a passing fault): say so; a retry would fail too.
        res.status(422).json({
          error: { code: 'unstorable_event', field: 'body', message: 'body: the event could not be stored' },
        });
        return;
      }
      res.status(200).json({ received: true, duplicate: result === 'duplicate' });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

async function readBody(
  req: Request,
  hash: (chunk: Buffer) => void,
): Promise<{ kept: Buffer; head: string; oversized: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let head = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    hash(chunk);
    if (head.length < HEAD_BYTES) head += chunk.subarray(0, HEAD_BYTES - head.length).toString('utf8');
    size += chunk.length;
    // Past the limit nothing more is kept: an audio body is verified without ever being held whole.
    if (size <= MAX_KEPT_BYTES) chunks.push(chunk);
  }
  return { kept: Buffer.concat(chunks), head, oversized: size > MAX_KEPT_BYTES };
}

/** Longer identifiers cannot be ours and would not fit the natural-key index. */
const MAX_TYPE_LENGTH = 100;
const MAX_CONVERSATION_ID_LENGTH = 256;

type ParsedBody = { ok: true; event: IncomingEvent } | { ok: false; field: string; message: string };

function parseEvent(body: Buffer): ParsedBody {
  const notEnvelope = { ok: false, field: 'body', message: 'not a webhook envelope' } as const;
  const text = body.toString('utf8');
  // JSON is UTF-8 (RFC 8259); a body that is not would not be kept verbatim.
  if (!Buffer.from(text, 'utf8').equals(body))
    return { ok: false, field: 'body', message: 'not valid UTF-8' };
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch {
    return notEnvelope;
  }
  if (typeof json !== 'object' || json === null || typeof (json as { type?: unknown }).type !== 'string')
    return notEnvelope;
  const envelope = json as { type: string; event_timestamp?: unknown; data?: Record<string, unknown> };
  if (envelope.type.length > MAX_TYPE_LENGTH)
    return { ok: false, field: 'type', message: `longer than ${MAX_TYPE_LENGTH} characters` };
  const conversationId =
    typeof envelope.data?.conversation_id === 'string' ? envelope.data.conversation_id : null;
  if (conversationId !== null && conversationId.length > MAX_CONVERSATION_ID_LENGTH) {
    return {
      ok: false,
      field: 'data.conversation_id',
      message: `longer than ${MAX_CONVERSATION_ID_LENGTH} characters`,
    };
  }
  const seconds = envelope.event_timestamp;
  const ts =
    typeof seconds === 'number' && Number.isFinite(seconds) && Math.abs(seconds) < 1e11
      ? new Date(seconds * 1000)
      : null;
  const isAudio = envelope.type === 'post_call_audio';
  return {
    ok: true,
    event: {
      eventType: envelope.type,
      conversationId,
      dedupeKey: eventDedupeKey(envelope.type, conversationId, body),
      eventTimestamp: ts,
      source: 'webhook',
      // Kept verbatim; recordings are not stored (keep the envelope, drop the audio).
      body: isAudio ? audioEnvelope(envelope.type, seconds, envelope.data) : text,
    },
  };
}

/** What is kept of a post_call_audio: its identifiers, without the audio (and without anything else). */
function audioEnvelope(
  type: string,
  eventTimestamp: unknown,
  data: Record<string, unknown> | undefined,
): string {
  const id = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return JSON.stringify({
    type,
    event_timestamp: typeof eventTimestamp === 'number' ? eventTimestamp : undefined,
    data: { agent_id: id(data?.agent_id), conversation_id: id(data?.conversation_id) },
  });
}

/** A body too large to keep: a post_call_audio, recognised from its first bytes. */
function oversizedEvent(head: string): ParsedBody {
  const type = /"type"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  if (type !== 'post_call_audio')
    return { ok: false, field: 'body', message: 'too large for anything but a post_call_audio' };
  const conversationId = /"conversation_id"\s*:\s*"([^"\\]{1,256})"/.exec(head)?.[1] ?? null;
  const event: IncomingEvent = {
    eventType: type,
    conversationId,
    dedupeKey: eventDedupeKey(type, conversationId, head),
    eventTimestamp: null,
    source: 'webhook',
    body: null,
  };
  return { ok: true, event };
}
