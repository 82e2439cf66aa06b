/**
 * The fake ElevenLabs workspace: its agents, caller numbers and voices, in the wire shapes of
 * GET /v1/convai/agents, GET /v1/convai/phone-numbers and GET /v1/voices (fields the SDK requires included).
 * Caller numbers use area code 617, which no demo contact uses, so caller and callee never look alike.
 */

export interface SandboxAgent {
  readonly agentId: string;
  readonly name: string;
  readonly voiceId: string;
  readonly tags: readonly string[];
  readonly createdAtUnixSecs: number;
  readonly firstMessage: string;
  /** The agent's security setting: may a call replace its first message? */
  readonly allowsFirstMessageOverride: boolean;
  /** Its post-call data collection (platform_settings.data_collection): id → the value's JSON-schema type. */
  readonly dataCollection: Readonly<Record<string, { type: string; description: string }>>;
  /** Its evaluation criteria ids (platform_settings.evaluation.criteria). */
  readonly evaluationCriteria: readonly string[];
}

/** The classifier's data-collection items as the README tells a fundraiser to create them. */
const FUNDRAISING_DATA_COLLECTION = {
  pledge_amount: { type: 'number', description: 'Pledged amount in USD' },
  pledge_frequency: { type: 'string', description: 'one_time or monthly' },
  callback_time: { type: 'string', description: 'When the donor asked to be called back, ISO 8601' },
  do_not_call: { type: 'boolean', description: 'Donor asked not to be called again' },
  wrong_number: { type: 'boolean', description: 'The person who answered is not the donor' },
  voicemail: { type: 'boolean', description: 'The call reached a voicemail box' },
} as const;

export interface SandboxPhoneNumber {
  readonly phoneNumberId: string;
  readonly phoneNumber: string;
  readonly label: string;
  readonly provider: 'twilio' | 'sip_trunk';
}

export const SANDBOX_AGENTS: readonly SandboxAgent[] = [
  {
    agentId: 'agent_sbx01springappealcaller00',
    name: 'Spring Appeal Caller (sandbox)',
    voiceId: 'sbxVoiceAva000000001',
    tags: ['fundraising', 'sandbox'],
    createdAtUnixSecs: 1_767_225_600,
    firstMessage: 'Hi {{first_name}}, this is Ava from the Riverside Food Bank. Do you have a minute?',
    allowsFirstMessageOverride: true,
    dataCollection: FUNDRAISING_DATA_COLLECTION,
    evaluationCriteria: ['declined'],
  },
  {
    agentId: 'agent_sbx02lapseddonorreactiv00',
    name: 'Lapsed Donor Reactivation (sandbox)',
    voiceId: 'sbxVoiceLeo000000002',
    tags: ['fundraising', 'reactivation', 'sandbox'],
    createdAtUnixSecs: 1_767_312_000,
    firstMessage:
      'Hello {{first_name}}, Leo here from the Riverside Food Bank, thank you for your past support.',
    // Locked down, as many production agents are: a campaign cannot change what it says first.
    allowsFirstMessageOverride: false,
    // Set up before callbacks were classified: it lacks callback_time (the settings page's agent check says so),
    // and reports voicemail as an evaluation criterion rather than a data-collection item.
    dataCollection: {
      pledge_amount: FUNDRAISING_DATA_COLLECTION.pledge_amount,
      pledge_frequency: FUNDRAISING_DATA_COLLECTION.pledge_frequency,
      do_not_call: FUNDRAISING_DATA_COLLECTION.do_not_call,
      wrong_number: FUNDRAISING_DATA_COLLECTION.wrong_number,
    },
    evaluationCriteria: ['voicemail', 'declined'],
  },
];

export const SANDBOX_PHONE_NUMBERS: readonly SandboxPhoneNumber[] = [
  {
    phoneNumberId: 'phnum_sbx01twiliomain0000000000',
    phoneNumber: '+16175550100',
    label: 'Riverside main line (Twilio, sandbox)',
    provider: 'twilio',
  },
  {
    phoneNumberId: 'phnum_sbx02siptrunk000000000000',
    phoneNumber: '+16175550101',
    label: 'Riverside SIP trunk (sandbox)',
    provider: 'sip_trunk',
  },
];

export const SANDBOX_VOICES = [
  { voiceId: 'sbxVoiceAva000000001', name: 'Ava (sandbox)', accent: 'american', gender: 'female' },
  { voiceId: 'sbxVoiceLeo000000002', name: 'Leo (sandbox)', accent: 'american', gender: 'male' },
  { voiceId: 'sbxVoiceMia000000003', name: 'Mia (sandbox)', accent: 'british', gender: 'female' },
] as const;

export function findAgent(agentId: string): SandboxAgent | undefined {
  return SANDBOX_AGENTS.find((a) => a.agentId === agentId);
}

export function findPhoneNumber(phoneNumberId: string): SandboxPhoneNumber | undefined {
  return SANDBOX_PHONE_NUMBERS.find((p) => p.phoneNumberId === phoneNumberId);
}

const ACCESS_INFO = {
  is_creator: true,
  creator_name: 'Sandbox Admin',
  creator_email: 'sandbox@example.org',
  role: 'admin',
};

export function agentSummaryWire(agent: SandboxAgent, lastCallUnixSecs: number | null) {
  return {
    agent_id: agent.agentId,
    name: agent.name,
    voice_id: agent.voiceId,
    tags: [...agent.tags],
    created_at_unix_secs: agent.createdAtUnixSecs,
    access_info: ACCESS_INFO,
    last_call_time_unix_secs: lastCallUnixSecs,
    archived: false,
  };
}

/**
 * GET /v1/convai/agents/{agent_id} (GetAgentResponseModel), with the parts the service reads filled in and the
 * other required ones present in a plausible minimal form.
 */
export function agentDetailWire(agent: SandboxAgent) {
  return {
    agent_id: agent.agentId,
    name: agent.name,
    conversation_config: {
      agent: {
        first_message: agent.firstMessage,
        language: 'en',
        prompt: { prompt: 'You are a friendly fundraising caller for a food bank.', llm: 'gemini-2.0-flash' },
      },
      tts: { model_id: 'eleven_flash_v2', voice_id: agent.voiceId },
    },
    metadata: { created_at_unix_secs: agent.createdAtUnixSecs },
    platform_settings: {
      data_collection: agent.dataCollection,
      evaluation: {
        criteria: agent.evaluationCriteria.map((id) => ({
          id,
          name: id,
          type: 'prompt',
          conversation_goal_prompt: `Did the call meet the criterion "${id}"?`,
        })),
      },
      overrides: {
        conversation_config_override: {
          agent: {
            first_message: agent.allowsFirstMessageOverride,
            language: false,
            prompt: { prompt: false },
          },
          tts: { voice_id: false },
        },
        custom_llm_extra_body: false,
        enable_conversation_initiation_client_data_from_webhook: false,
      },
    },
    phone_numbers: [],
    access_info: ACCESS_INFO,
    tags: [...agent.tags],
  };
}

/** One item of the bare array GET /v1/convai/phone-numbers returns, discriminated by `provider`. */
export function phoneNumberWire(phone: SandboxPhoneNumber) {
  const agent = SANDBOX_AGENTS[0];
  const common = {
    phone_number: phone.phoneNumber,
    label: phone.label,
    phone_number_id: phone.phoneNumberId,
    supports_inbound: true,
    supports_outbound: true,
    assigned_agent: agent ? { agent_id: agent.agentId, agent_name: agent.name } : null,
  };
  if (phone.provider === 'twilio') return { ...common, provider: 'twilio' as const };
  return {
    ...common,
    provider: 'sip_trunk' as const,
    livekit_stack: 'standard',
    outbound_trunk: {
      address: 'sip.sandbox.invalid',
      transport: 'tls',
      media_encryption: 'required',
      headers: {},
      has_auth_credentials: true,
      username: 'sandbox',
      has_outbound_trunk: true,
    },
  };
}

export function voiceWire(voice: (typeof SANDBOX_VOICES)[number]) {
  return {
    voice_id: voice.voiceId,
    name: voice.name,
    category: 'premade',
    labels: { accent: voice.accent, gender: voice.gender, use_case: 'conversational' },
    description: `${voice.name}: a sandbox voice; text-to-speech returns a short silent clip.`,
    preview_url: null,
    available_for_tiers: [],
    settings: null,
    high_quality_base_model_ids: ['eleven_multilingual_v2', 'eleven_flash_v2_5'],
    is_owner: false,
    is_legacy: false,
  };
}

/** A few valid MPEG-1 Layer III frame headers of silence: enough for a player to accept, no real audio. */
export function silentMp3(): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat([frame, frame, frame, frame]);
}
