import { z } from 'zod';
import type { Agent, AgentDetails, ConversationSummary, PhoneNumber, Voice } from './types.js';

/**
 * Wire (snake_case) schemas of the list endpoints, each with its mapping into our types. Field names are the
 * SDK's serialisation names (`serialization/types/*.js` of @elevenlabs/elevenlabs-js 2.73.0). We parse these
 * ourselves rather than through the SDK's typed methods because the SDK rejects a whole page when any field it
 * marks required is absent (e.g. `livekit_stack` on a SIP number, `voice_id`/`access_info` on an agent), fields
 * this service never reads.
 */

const text = z.string().nullish();
const num = z.number().nullish();

export const agentsPageSchema = z.looseObject({
  agents: z.array(
    z.looseObject({
      agent_id: z.string(),
      name: text,
      tags: z.array(z.string()).nullish(),
      created_at_unix_secs: num,
      last_call_time_unix_secs: num,
      archived: z.boolean().nullish(),
    }),
  ),
  next_cursor: text,
  has_more: z.boolean().nullish(),
});

export function toAgents(page: z.output<typeof agentsPageSchema>): Agent[] {
  return page.agents.map((a) => ({
    agentId: a.agent_id,
    name: a.name ?? a.agent_id,
    tags: a.tags ?? [],
    createdAtUnixSecs: a.created_at_unix_secs ?? null,
    lastCallTimeUnixSecs: a.last_call_time_unix_secs ?? null,
    archived: a.archived ?? false,
  }));
}

/**
 * `GET /v1/convai/agents/{agent_id}` (GetAgentResponseModel), only the parts a campaign reads: the voice and first
 * message in `conversation_config`, whether the first message may be overridden per call in
 * `platform_settings.overrides` (ConversationInitiationClientDataConfig), and the agent's post-call analysis set-up
 * the classifier depends on: `platform_settings.data_collection` (id → AnalysisProperty) and
 * `platform_settings.evaluation.criteria` (PromptEvaluationCriteria, by `id`). Everything else passes untouched.
 */
export const agentDetailSchema = z.looseObject({
  agent_id: z.string(),
  name: text,
  conversation_config: z
    .looseObject({
      agent: z.looseObject({ first_message: text, language: text }).nullish(),
      tts: z.looseObject({ voice_id: text }).nullish(),
    })
    .nullish(),
  platform_settings: z
    .looseObject({
      data_collection: z.record(z.string(), z.unknown()).nullish(),
      evaluation: z.looseObject({ criteria: z.array(z.looseObject({ id: z.string() })).nullish() }).nullish(),
      overrides: z
        .looseObject({
          conversation_config_override: z
            .looseObject({ agent: z.looseObject({ first_message: z.boolean().nullish() }).nullish() })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export function toAgentDetails(a: z.output<typeof agentDetailSchema>): AgentDetails {
  const config = a.conversation_config;
  return {
    agentId: a.agent_id,
    name: a.name ?? a.agent_id,
    voiceId: config?.tts?.voice_id ?? null,
    // An empty first message means the agent waits for the callee to speak.
    firstMessage: config?.agent?.first_message || null,
    language: config?.agent?.language ?? null,
    allowsFirstMessageOverride:
      a.platform_settings?.overrides?.conversation_config_override?.agent?.first_message === true,
    dataCollectionIds: Object.keys(a.platform_settings?.data_collection ?? {}),
    evaluationCriteriaIds: (a.platform_settings?.evaluation?.criteria ?? []).map((c) => c.id),
  };
}

/** `GET /v1/convai/phone-numbers` answers a bare array, discriminated by `provider`. */
export const phoneNumbersSchema = z.array(
  z.looseObject({
    phone_number_id: z.string(),
    phone_number: z.string(),
    label: text,
    provider: z.string(),
    supports_inbound: z.boolean().nullish(),
    supports_outbound: z.boolean().nullish(),
    assigned_agent: z.looseObject({ agent_id: text }).nullish(),
  }),
);

export function toPhoneNumbers(items: z.output<typeof phoneNumbersSchema>): PhoneNumber[] {
  return items.map((p) => ({
    phoneNumberId: p.phone_number_id,
    phoneNumber: p.phone_number,
    label: p.label ?? '',
    provider: p.provider,
    supportsOutbound: p.supports_outbound ?? true,
    supportsInbound: p.supports_inbound ?? true,
    assignedAgentId: p.assigned_agent?.agent_id ?? null,
  }));
}

export const voicesSchema = z.looseObject({
  voices: z.array(
    z.looseObject({
      voice_id: z.string(),
      name: text,
      category: text,
      description: text,
      preview_url: text,
      labels: z.record(z.string(), z.string()).nullish(),
    }),
  ),
});

export function toVoices(body: z.output<typeof voicesSchema>): Voice[] {
  return body.voices.map((v) => ({
    voiceId: v.voice_id,
    name: v.name ?? v.voice_id,
    category: v.category ?? null,
    description: v.description ?? null,
    previewUrl: v.preview_url ?? null,
    labels: v.labels ?? {},
  }));
}

export const conversationsPageSchema = z.looseObject({
  conversations: z.array(
    z.looseObject({
      conversation_id: z.string(),
      agent_id: text,
      agent_name: text,
      status: text,
      start_time_unix_secs: num,
      call_duration_secs: num,
      message_count: num,
      call_successful: text,
      termination_reason: text,
      direction: text,
      transcript_summary: text,
    }),
  ),
  next_cursor: text,
  has_more: z.boolean().nullish(),
});

export function toConversationSummaries(
  page: z.output<typeof conversationsPageSchema>,
): ConversationSummary[] {
  return page.conversations.map((c) => ({
    conversationId: c.conversation_id,
    agentId: c.agent_id ?? null,
    agentName: c.agent_name ?? null,
    status: c.status ?? null,
    startTimeUnixSecs: c.start_time_unix_secs ?? null,
    callDurationSecs: c.call_duration_secs ?? null,
    messageCount: c.message_count ?? null,
    callSuccessful: c.call_successful ?? null,
    terminationReason: c.termination_reason ?? null,
    direction: c.direction ?? null,
    transcriptSummary: c.transcript_summary ?? null,
  }));
}
