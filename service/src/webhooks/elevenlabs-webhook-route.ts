import { type Request, Router } from 'express';
import type { Clock } from '../clock.js';
import { beginSignatureCheck, SIGNATURE_HEADER } from '../elevenlabs/index.js';
import { type EventWriter, eventDedupeKey, type IncomingEvent } from './event-writer.js';

/** Bodies up to this size are kept and parsed; beyond it only a post_call_audio is expected, hashed and dropped. */
const MAX_KEPT_BYTES = 2 * 1024 * 1024;
/** Where to look for the type and conversation id of an oversized body. */
const HEAD_BYTES = 4096;

export interface WebhookRouteOptions {
  readonly secret: string;
  readonly writer: EventWriter;
  /** Signature timestamps are checked against the engine's clock (the sandbox's fake signs with the same one). */
  readonly clock: Clock;
}

/**
 * POST /webhooks/elevenlabs. The raw bytes are hashed as they stream in (HMAC over `${t}.${body}`); a missing,
 * malformed, stale, future or wrong signature is a 401 and nothing is stored. A valid event is stored, keyed on
 * its natural key, with its processing job, and only then acknowledged: 200 means it cannot be lost. Unknown
 * event types are stored and acknowledged too. Processing happens in the `webhook-process` job.
 */
export function elevenLabsWebhookRoutes(options: WebhookRouteOptions): Router {
  const router = Router();
  router.post('/webhooks/elevenlabs', async (req, res, next) => {
    try {
      const check = beginSignatureCheck({
        header: req.get(SIGNATURE_HEADER),
        secret: options.secret,
        nowMs: options.clock.now(),
      });
      if (!check.ok) {
        req.resume(); // discard the body unread
        res.status(401).json({ error: { code: 'invalid_signature', message: `signature ${check.reason}` } });
        return;
      }
      const { kept, head, oversized } = await readBody(req, check.update);
      const verdict = check.finish();
      if (!verdict.ok) {
        res
          .status(401)
          .json({ error: { code: 'invalid_signature', message: `signature ${verdict.reason}` } });
        return;
      }
      const event = oversized ? oversizedEvent(head) : parseEvent(kept);
      if (event === null) {
        res.status(400).json({
          error: { code: 'invalid_request', field: 'body', message: 'body: not a webhook envelope' },
        });
        return;
      }
      const result = await options.writer.write(event);
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

function parseEvent(body: Buffer): IncomingEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || typeof (json as { type?: unknown }).type !== 'string')
    return null;
  const envelope = json as { type: string; event_timestamp?: unknown; data?: { conversation_id?: unknown } };
  const conversationId =
    typeof envelope.data?.conversation_id === 'string' ? envelope.data.conversation_id : null;
  const ts = typeof envelope.event_timestamp === 'number' ? new Date(envelope.event_timestamp * 1000) : null;
  const isAudio = envelope.type === 'post_call_audio';
  return {
    eventType: envelope.type,
    conversationId,
    dedupeKey: eventDedupeKey(envelope.type, conversationId, body),
    eventTimestamp: ts,
    source: 'webhook',
    // Recordings are not stored: keep the envelope, drop the audio.
    payload: isAudio
      ? JSON.stringify({ ...envelope, data: { ...envelope.data, full_audio: undefined } })
      : body.toString('utf8'),
  };
}

/** A body too large to keep: a post_call_audio, recognised from its first bytes. */
function oversizedEvent(head: string): IncomingEvent | null {
  const type = /"type"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  if (type !== 'post_call_audio') return null;
  const conversationId = /"conversation_id"\s*:\s*"([^"]+)"/.exec(head)?.[1] ?? null;
  return {
    eventType: type,
    conversationId,
    dedupeKey: eventDedupeKey(type, conversationId, head),
    eventTimestamp: null,
    source: 'webhook',
    payload: null,
  };
}
