import { z } from 'zod';

/**
 * The conversation as ElevenLabs sends it, in its wire (snake_case) shape: the body of
 * `GET /v1/convai/conversations/{id}` and the `data` of a `post_call_transcription` webhook are the same model.
 *
 * Lenient on purpose. Webhooks are not always redelivered, so a payload that fails to parse is an outcome lost:
 * only what the service cannot work without is required (conversation and agent ids, status). Everything else is
 * optional and nullable, enum-like fields are open strings, and unknown fields are kept.
 */

export const CONVERSATION_STATUSES = ['initiated', 'in-progress', 'processing', 'done', 'failed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const EVALUATION_RESULTS = ['success', 'failure', 'unknown'] as const;
export type EvaluationResult = (typeof EVALUATION_RESULTS)[number];
/** `metadata.phone_call.call_result`, where the provider reports it. */
export const CALL_RESULTS = ['answered', 'voicemail', 'busy', 'no_answer', 'failed'] as const;

const text = z.string().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();

export const transcriptTurnSchema = z.looseObject({
  role: z.string(),
  message: text,
  time_in_call_secs: num,
  interrupted: bool,
  original_message: text,
  tool_calls: z.array(z.unknown()).nullish(),
  tool_results: z.array(z.unknown()).nullish(),
  feedback: z.unknown().optional(),
});

// Fields common to every phone_call variant, so callers can read them without narrowing first.
const phoneCallCommon = {
  direction: text,
  phone_number_id: text,
  agent_number: text,
  external_number: text,
  call_sid: text,
  call_result: text,
};

const knownPhoneCallSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('twilio'), ...phoneCallCommon, stream_sid: text }),
  z.looseObject({
    type: z.literal('sip_trunking'),
    ...phoneCallCommon,
    call_id: text,
    sip_header_dynamic_variables: z.record(z.string(), z.unknown()).nullish(),
  }),
  z.looseObject({ type: z.literal('exotel'), ...phoneCallCommon, stream_sid: text }),
]);

/** A variant the API may add later: kept, not rejected. */
const otherPhoneCallSchema = z.looseObject({ type: z.string(), ...phoneCallCommon });

export const phoneCallSchema = z.union([knownPhoneCallSchema, otherPhoneCallSchema]);

export const conversationMetadataSchema = z.looseObject({
  start_time_unix_secs: num,
  accepted_time_unix_secs: num,
  call_duration_secs: num,
  cost: num,
  termination_reason: text,
  error: z.looseObject({ code: num, reason: text }).nullish(),
  warnings: z.array(z.string()).nullish(),
  main_language: text,
  conversation_initiation_source: text,
  timezone: text,
  phone_call: phoneCallSchema.nullish(),
  batch_call: z.looseObject({ batch_call_id: text, batch_call_recipient_id: text }).nullish(),
  charging: z.looseObject({ call_charge: num, llm_charge: num, is_burst: bool }).nullish(),
});

export const evaluationCriterionResultSchema = z.looseObject({
  criteria_id: text,
  result: text,
  rationale: text,
});

export const dataCollectionResultSchema = z.looseObject({
  data_collection_id: text,
  value: z.unknown().optional(),
  json_schema: z.looseObject({ type: text, description: text }).nullish(),
  rationale: text,
});

export const conversationAnalysisSchema = z.looseObject({
  call_successful: text,
  transcript_summary: text,
  call_summary_title: text,
  evaluation_criteria_results: z.record(z.string(), evaluationCriterionResultSchema).nullish(),
  data_collection_results: z.record(z.string(), dataCollectionResultSchema).nullish(),
});

export const conversationInitiationClientDataSchema = z.looseObject({
  user_id: text,
  dynamic_variables: z.record(z.string(), z.unknown()).nullish(),
  conversation_config_override: z.unknown().optional(),
  custom_llm_extra_body: z.unknown().optional(),
});

export const conversationSchema = z.looseObject({
  conversation_id: z.string().min(1),
  agent_id: z.string(),
  agent_name: text,
  /** See CONVERSATION_STATUSES; kept open so a new status does not drop the payload. */
  status: z.string(),
  user_id: text,
  branch_id: text,
  version_id: text,
  environment: text,
  transcript: z
    .array(transcriptTurnSchema)
    .nullish()
    .transform((turns) => turns ?? []),
  metadata: conversationMetadataSchema.nullish().transform((m) => m ?? conversationMetadataSchema.parse({})),
  analysis: conversationAnalysisSchema.nullish(),
  conversation_initiation_client_data: conversationInitiationClientDataSchema.nullish(),
  has_audio: bool,
  has_user_audio: bool,
  has_response_audio: bool,
});

/** A parsed conversation (transcript and metadata always present, possibly empty). */
export type Conversation = z.output<typeof conversationSchema>;
/** What a producer (the sandbox) may send: the wire shape before defaults. */
export type ConversationWire = z.input<typeof conversationSchema>;
export type PhoneCall = z.output<typeof phoneCallSchema>;

/**
 * Our attempt id, wherever ElevenLabs echoed it: the top-level `user_id`, the client data's `user_id`, or the
 * `attempt_id` dynamic variable (we send all three).
 */
export function conversationAttemptId(conversation: Conversation): string | null {
  const clientData = conversation.conversation_initiation_client_data;
  const candidates: unknown[] = [
    conversation.user_id,
    clientData?.user_id,
    clientData?.dynamic_variables?.attempt_id,
  ];
  const found = candidates.find((c): c is string => typeof c === 'string' && c !== '');
  return found ?? null;
}
