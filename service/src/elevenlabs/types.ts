import type { Conversation } from './conversation-schema.js';

/**
 * The narrow face of ElevenLabs that the rest of the service sees. No SDK type crosses it: the SDK's camelCase
 * models and error classes stay inside this folder.
 */

/** The two outbound endpoints; a phone number's provider picks one. */
export type DialProvider = 'twilio' | 'sip_trunk';

/** Known providers of an ElevenLabs phone number; the API may add more, so any string is accepted. */
export type PhoneProvider = DialProvider | 'exotel' | (string & Record<never, never>);

export interface OutboundCallRequest {
  agentId: string;
  /** The `phone_number_id` (phnum_…) of the caller number, not the number itself. */
  phoneNumberId: string;
  provider: DialProvider;
  /** E.164, e.g. +15557654321. */
  toNumber: string;
  dynamicVariables: Record<string, string | number | boolean>;
  /** Our attempt id: sent as `user_id` and as the dynamic variable `attempt_id`, so a lost dial response can be reconciled. */
  userId: string;
  /** How long the phone rings before giving up; at least 15, 30 when omitted. */
  ringingTimeoutSecs?: number;
  /**
   * The campaign's opening line, replacing the agent's own for this call (sent as the override
   * `conversation_config_override.agent.first_message`; the agent must allow it). Omitted: the agent's own.
   */
  firstMessage?: string;
}

/**
 * - placed: ElevenLabs started the call (`callSid` for Twilio, `sipCallId` for a SIP trunk, where it sent one).
 * - rejected: a 4xx other than 429 and 408; not placed, and the same request will not do better. `message` is the
 *   API's (`detail.message`, or a 422's field list flattened to "loc: msg"), `code` its `detail.status`.
 * - at-capacity: a 429, or a 200 with `success: false`; not placed, try again later (`retryAfterMs` from Retry-After).
 * - unknown: timeout, network error, 5xx, 408 or an unreadable answer; the call MAY have been placed, so reconcile
 *   (list conversations by `user_id`) before any redial.
 */
export type DialResult =
  | { kind: 'placed'; conversationId: string; callSid: string | null; sipCallId: string | null }
  | { kind: 'rejected'; status: number; code: string | null; message: string }
  | { kind: 'at-capacity'; retryAfterMs: number | null; code: string | null; message: string }
  | { kind: 'unknown'; reason: string };

export interface ConversationSummary {
  conversationId: string;
  agentId: string | null;
  agentName: string | null;
  /** initiated | in-progress | processing | done | failed (open: new values pass through). */
  status: string | null;
  startTimeUnixSecs: number | null;
  callDurationSecs: number | null;
  messageCount: number | null;
  /** success | failure | unknown. */
  callSuccessful: string | null;
  terminationReason: string | null;
  /** inbound | outbound. */
  direction: string | null;
  transcriptSummary: string | null;
}

export interface ConversationListQuery {
  agentId?: string;
  /** Our attempt id, as sent in `user_id`. */
  userId?: string;
  callStartAfterUnix?: number;
  callStartBeforeUnix?: number;
  cursor?: string;
  /** 1..100; the API's default is 30. */
  pageSize?: number;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface Agent {
  agentId: string;
  name: string;
  tags: string[];
  createdAtUnixSecs: number | null;
  lastCallTimeUnixSecs: number | null;
  archived: boolean;
}

/** One agent as GET /v1/convai/agents/{agent_id} describes it: what a campaign needs to know before using it. */
export interface AgentDetails {
  agentId: string;
  name: string;
  /** The TTS voice the agent speaks with (conversation_config.tts.voice_id). */
  voiceId: string | null;
  /** The agent's own opening line (conversation_config.agent.first_message); null when it waits for the callee. */
  firstMessage: string | null;
  language: string | null;
  /**
   * Whether a call may replace the first message (platform_settings.overrides.conversation_config_override.agent
   * .first_message): ElevenLabs refuses an override the agent's security settings do not allow.
   */
  allowsFirstMessageOverride: boolean;
  /** The ids of the agent's data-collection items (platform_settings.data_collection), read by the classifier. */
  dataCollectionIds: string[];
  /** The ids of its evaluation criteria (platform_settings.evaluation.criteria): voicemail/declined may be these. */
  evaluationCriteriaIds: string[];
}

export interface PhoneNumber {
  phoneNumberId: string;
  /** E.164 as ElevenLabs stores it. */
  phoneNumber: string;
  label: string;
  provider: PhoneProvider;
  /** Missing in the API's answer counts as true: older numbers do not carry the flag and can dial out. */
  supportsOutbound: boolean;
  supportsInbound: boolean;
  assignedAgentId: string | null;
}

/** Which outbound endpoint serves this number; null when ElevenLabs cannot dial out through it. */
export function dialProviderOf(phone: PhoneNumber): DialProvider | null {
  if (!phone.supportsOutbound) return null;
  if (phone.provider === 'twilio') return 'twilio';
  if (phone.provider === 'sip_trunk') return 'sip_trunk';
  return null;
}

export interface Voice {
  voiceId: string;
  name: string;
  category: string | null;
  description: string | null;
  previewUrl: string | null;
  labels: Record<string, string>;
}

export interface ElevenLabsApi {
  /** Never throws for an HTTP or network outcome, and never retries: a retried dial can ring a donor twice. */
  placeOutboundCall(req: OutboundCallRequest): Promise<DialResult>;
  /** The conversation in its wire (snake_case) shape, the same as a post_call_transcription webhook's `data`; null on 404. */
  getConversation(conversationId: string): Promise<Conversation | null>;
  listConversations(query: ConversationListQuery): Promise<ConversationPage>;
  /** Every agent of the workspace (follows the cursor). */
  listAgents(): Promise<Agent[]>;
  /** One agent's settings (voice, first message, which overrides it allows); null on 404. */
  getAgent(agentId: string): Promise<AgentDetails | null>;
  listPhoneNumbers(): Promise<PhoneNumber[]>;
  listVoices(): Promise<Voice[]>;
  /** A short text-to-speech sample, MP3 bytes. */
  previewSpeech(voiceId: string, text: string): Promise<Buffer>;
}
