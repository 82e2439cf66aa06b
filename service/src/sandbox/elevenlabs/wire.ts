import type { SandboxAgent, SandboxPhoneNumber } from './catalog.js';
import {
  type CallStory,
  initiationFailureOf,
  type SandboxOutcome,
  type StoryContext,
  tellStory,
} from './outcomes.js';

/**
 * A simulated call, and the JSON ElevenLabs would show for it: GET /v1/convai/conversations/{id}, its list
 * summary, and the post-call webhooks. The webhook's `data` is the conversation itself, as on the real API.
 */

export type ConversationStatus = 'initiated' | 'in-progress' | 'processing' | 'done' | 'failed';

export interface SandboxCall {
  readonly conversationId: string;
  /** Twilio CallSid (CA…) or, for a SIP trunk, the SIP call id. */
  readonly callSid: string;
  readonly streamSid: string;
  readonly provider: 'twilio' | 'sip_trunk';
  readonly agent: SandboxAgent;
  readonly phone: SandboxPhoneNumber;
  readonly toNumber: string;
  readonly userId: string | null;
  /** `conversation_initiation_client_data` as the dial sent it (wire shape). */
  readonly clientData: Readonly<Record<string, unknown>>;
  readonly dynamicVariables: Readonly<Record<string, unknown>>;
  readonly dialIndex: number;
  readonly placedAtMs: number;
  readonly outcome: SandboxOutcome;
  /** The story is recomputed from this when needed rather than kept: a 100k-call run stays small. */
  readonly storyContext: StoryContext;
  status: ConversationStatus;
}

export function storyOf(call: SandboxCall): CallStory {
  return tellStory(call.outcome, call.storyContext);
}

const unixSecs = (ms: number) => Math.floor(ms / 1000);

function isFinished(call: SandboxCall): boolean {
  return call.status === 'done' || call.status === 'failed';
}

function hasTalked(call: SandboxCall): boolean {
  return call.status === 'processing' || call.status === 'done';
}

function phoneCallWire(call: SandboxCall, story: CallStory) {
  const common = {
    direction: 'outbound',
    phone_number_id: call.phone.phoneNumberId,
    agent_number: call.phone.phoneNumber,
    external_number: call.toNumber,
    call_result: isFinished(call) ? story.callResult : null,
  };
  if (call.provider === 'twilio') {
    return { type: 'twilio', ...common, stream_sid: call.streamSid, call_sid: call.callSid };
  }
  // The conversation model names the SIP variant `sip_trunking`, unlike the phone number's provider `sip_trunk`.
  return { type: 'sip_trunking', ...common, call_sid: call.callSid, call_id: call.callSid };
}

function dataCollectionWire(story: CallStory) {
  const d = story.data;
  const item = (id: string, type: string, description: string, value: unknown, rationale: string) => ({
    data_collection_id: id,
    value,
    json_schema: { type, description },
    rationale,
  });
  return {
    pledge_amount: item(
      'pledge_amount',
      'number',
      'Amount the donor pledged, in USD',
      d.pledgeAmount,
      d.pledgeAmount === null ? 'No pledge was made.' : 'The donor stated an amount.',
    ),
    pledge_frequency: item(
      'pledge_frequency',
      'string',
      'one_time or monthly',
      d.pledgeFrequency,
      d.pledgeFrequency === null ? 'No pledge was made.' : 'The donor said how often.',
    ),
    callback_time: item(
      'callback_time',
      'string',
      'When the donor asked to be called back (ISO 8601)',
      d.callbackTime,
      d.callbackTime === null ? 'No callback was requested.' : 'The donor asked for a callback.',
    ),
    do_not_call: item(
      'do_not_call',
      'boolean',
      'The person asked not to be called again',
      d.doNotCall,
      d.doNotCall ? 'They asked to be taken off the list.' : 'No such request.',
    ),
    wrong_number: item(
      'wrong_number',
      'boolean',
      'The person who answered is not the donor',
      d.wrongNumber,
      d.wrongNumber ? 'They said the donor does not live there.' : 'The donor answered.',
    ),
  };
}

function analysisWire(s: CallStory) {
  const asked = s.askedForGift ? 'success' : 'failure';
  return {
    evaluation_criteria_results: {
      asked_for_gift: {
        criteria_id: 'asked_for_gift',
        result: asked,
        rationale: s.askedForGift
          ? 'The agent made a specific ask.'
          : 'The conversation never reached the ask.',
      },
    },
    data_collection_results: dataCollectionWire(s),
    call_successful: s.callSuccessful,
    transcript_summary: s.summary,
    call_summary_title: s.summaryTitle,
  };
}

function clientDataWire(call: SandboxCall) {
  return {
    conversation_config_override: call.clientData.conversation_config_override ?? null,
    custom_llm_extra_body: call.clientData.custom_llm_extra_body ?? {},
    user_id: call.userId,
    source_info: call.clientData.source_info ?? null,
    dynamic_variables: {
      ...call.dynamicVariables,
      system__agent_id: call.agent.agentId,
      system__conversation_id: call.conversationId,
      system__caller_id: call.phone.phoneNumber,
      system__called_number: call.toNumber,
      system__call_sid: call.callSid,
    },
  };
}

/** GET /v1/convai/conversations/{id}, and the `data` of a post_call_transcription webhook. */
export function conversationWire(call: SandboxCall) {
  const s = storyOf(call);
  const talked = hasTalked(call);
  const duration = talked ? s.talkSecs : 0;
  return {
    agent_id: call.agent.agentId,
    agent_name: call.agent.name,
    conversation_id: call.conversationId,
    status: call.status,
    user_id: call.userId,
    branch_id: null,
    version_id: null,
    environment: null,
    transcript: talked ? s.transcript : [],
    metadata: {
      start_time_unix_secs: unixSecs(call.placedAtMs),
      accepted_time_unix_secs: talked ? unixSecs(call.placedAtMs) + s.ringSecs : null,
      call_duration_secs: duration,
      cost: duration * 7,
      termination_reason: isFinished(call) ? s.terminationReason : '',
      error: null,
      main_language: 'en',
      conversation_initiation_source: call.provider,
      timezone: null,
      phone_call: phoneCallWire(call, s),
      batch_call: null,
      charging: { call_charge: duration * 6, llm_charge: duration, is_burst: false },
      text_only: false,
    },
    analysis: call.status === 'done' ? analysisWire(s) : null,
    conversation_initiation_client_data: clientDataWire(call),
    has_audio: talked,
    has_user_audio: talked,
    has_response_audio: talked,
    has_auxiliary_audio: false,
  };
}

/** One item of GET /v1/convai/conversations (no user_id there: the real summary does not carry it). */
export function conversationSummaryWire(call: SandboxCall) {
  const s = storyOf(call);
  const talked = hasTalked(call);
  return {
    agent_id: call.agent.agentId,
    agent_name: call.agent.name,
    conversation_id: call.conversationId,
    start_time_unix_secs: unixSecs(call.placedAtMs),
    call_duration_secs: talked ? s.talkSecs : 0,
    message_count: talked ? s.transcript.length : 0,
    status: call.status,
    termination_reason: isFinished(call) ? s.terminationReason : null,
    call_successful: call.status === 'done' ? s.callSuccessful : 'unknown',
    transcript_summary: call.status === 'done' ? s.summary : null,
    call_summary_title: call.status === 'done' ? s.summaryTitle : null,
    main_language: 'en',
    conversation_initiation_source: call.provider,
    direction: 'outbound',
  };
}

function failureMetadataWire(call: SandboxCall, reason: string, atMs: number) {
  if (call.provider === 'sip_trunk') {
    const [code, text] =
      reason === 'busy'
        ? [486, 'Busy here']
        : reason === 'no-answer'
          ? [480, 'Temporarily unavailable']
          : [500, 'Server internal error'];
    return {
      type: 'sip',
      body: {
        from_number: call.phone.phoneNumber,
        to_number: call.toNumber,
        sip_status_code: code,
        error_reason: `INVITE failed: sip status: ${code}: ${text} (SIP ${code})`,
        call_sid: call.callSid,
        sip_status: text,
        twirp_code: 'unavailable',
      },
    };
  }
  // Twilio's StatusCallback, passed through: every value a string.
  const status = reason === 'unknown' ? 'failed' : reason;
  return {
    type: 'twilio',
    body: {
      CallSid: call.callSid,
      CallStatus: status,
      Direction: 'outbound-api',
      To: call.toNumber,
      From: call.phone.phoneNumber,
      Called: call.toNumber,
      Caller: call.phone.phoneNumber,
      Duration: '0',
      CallDuration: '0',
      SipResponseCode: reason === 'busy' ? '486' : reason === 'no-answer' ? '487' : '500',
      Timestamp: new Date(atMs).toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
      SequenceNumber: '2',
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
    },
  };
}

export type WebhookType = 'post_call_transcription' | 'call_initiation_failure';

/** The webhook ElevenLabs sends once the call is over: its type and full JSON body. */
export function webhookFor(
  call: SandboxCall,
  atMs: number,
): { type: WebhookType; body: Record<string, unknown> } {
  const reason = initiationFailureOf(call.outcome);
  const eventTimestamp = unixSecs(atMs);
  if (reason === null) {
    return {
      type: 'post_call_transcription',
      body: {
        type: 'post_call_transcription',
        event_timestamp: eventTimestamp,
        data: conversationWire(call),
      },
    };
  }
  return {
    type: 'call_initiation_failure',
    body: {
      type: 'call_initiation_failure',
      event_timestamp: eventTimestamp,
      data: {
        agent_id: call.agent.agentId,
        conversation_id: call.conversationId,
        failure_reason: reason,
        metadata: failureMetadataWire(call, reason, atMs),
      },
    },
  };
}
