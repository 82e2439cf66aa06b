import { z } from 'zod';
import { type Conversation, conversationSchema } from './conversation-schema.js';

/**
 * ElevenLabs post-call webhooks: `{ type, event_timestamp, data }`. Payloads keep their wire (snake_case) shape.
 * An event type we do not know yet parses as `unknown` so the receiver can store it and answer 200 (ElevenLabs
 * disables a webhook after repeated failures), instead of failing.
 */

export const FAILURE_REASONS = ['busy', 'no-answer', 'unknown'] as const;
export type CallFailureReason = (typeof FAILURE_REASONS)[number];

const envelopeSchema = z.looseObject({
  type: z.string().min(1),
  event_timestamp: z.number().nullish(),
  data: z.unknown(),
});

export const callInitiationFailureSchema = z.looseObject({
  agent_id: z.string(),
  conversation_id: z.string().min(1),
  // Lenient: a reason we do not know is treated as 'unknown' (a failure that is not worth a redial).
  failure_reason: z
    .string()
    .nullish()
    .transform(
      (r): CallFailureReason =>
        (FAILURE_REASONS as readonly string[]).includes(r ?? '') ? (r as CallFailureReason) : 'unknown',
    ),
  metadata: z
    .looseObject({
      /** 'sip' | 'twilio'. */
      type: z.string().nullish(),
      /** SIP: from_number, to_number, sip_status_code, error_reason, call_sid…; Twilio: the raw StatusCallback fields. */
      body: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});
export type CallInitiationFailure = z.output<typeof callInitiationFailureSchema>;

export const postCallAudioSchema = z.looseObject({
  agent_id: z.string(),
  conversation_id: z.string().min(1),
  /** Base64 MP3 of the whole call. */
  full_audio: z.string(),
});
export type PostCallAudio = z.output<typeof postCallAudioSchema>;

export type ElevenLabsWebhookEvent =
  | { type: 'post_call_transcription'; event_timestamp: number | null; data: Conversation }
  | { type: 'call_initiation_failure'; event_timestamp: number | null; data: CallInitiationFailure }
  | { type: 'post_call_audio'; event_timestamp: number | null; data: PostCallAudio }
  | { type: 'unknown'; rawType: string; event_timestamp: number | null; data: unknown };

export type ParsedWebhook =
  | { ok: true; event: ElevenLabsWebhookEvent }
  /** `rawType` is set when the envelope was readable but its data was not. */
  | { ok: false; rawType: string | null; error: string };

function describe(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${prefix}: invalid`;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  return `${path || '(root)'}: ${issue.message}`;
}

export function parseElevenLabsWebhook(json: unknown): ParsedWebhook {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, rawType: null, error: 'the webhook body is not a JSON object' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, rawType: null, error: describe(envelope.error, '') };
  const { type, data } = envelope.data;
  const eventTimestamp = envelope.data.event_timestamp ?? null;

  switch (type) {
    case 'post_call_transcription': {
      const parsed = conversationSchema.safeParse(data);
      if (!parsed.success) return { ok: false, rawType: type, error: describe(parsed.error, 'data') };
      return { ok: true, event: { type, event_timestamp: eventTimestamp, data: parsed.data } };
    }
    case 'call_initiation_failure': {
      const parsed = callInitiationFailureSchema.safeParse(data);
      if (!parsed.success) return { ok: false, rawType: type, error: describe(parsed.error, 'data') };
      return { ok: true, event: { type, event_timestamp: eventTimestamp, data: parsed.data } };
    }
    case 'post_call_audio': {
      const parsed = postCallAudioSchema.safeParse(data);
      if (!parsed.success) return { ok: false, rawType: type, error: describe(parsed.error, 'data') };
      return { ok: true, event: { type, event_timestamp: eventTimestamp, data: parsed.data } };
    }
    default:
      return { ok: true, event: { type: 'unknown', rawType: type, event_timestamp: eventTimestamp, data } };
  }
}
