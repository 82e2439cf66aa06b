import { createHash } from 'node:crypto';

/**
 * Realistic `post_call_transcription` bodies (shaped like the contracts' §9.3 example, 3-5 KB each) and the order
 * they are sent in. Deterministic: the sender thread and the raw pg-boss baseline build the same data from the
 * same (prefix, index), so neither has to ship megabytes of payloads to the other.
 */

const AGENT_LINES = [
  'Hi {name}, this is Ava calling from Riverside Food Bank. Do you have a minute to talk about our spring appeal?',
  'Thank you so much for your gift last year. It helped us serve over twelve thousand meals in the valley.',
  'This spring we are trying to stock the pantry before the summer holidays, when school lunches stop.',
  'Would you consider a gift of fifty dollars, or whatever amount feels right for you this year?',
  'That is wonderful. Would you like that to be a one-time gift or a monthly contribution?',
  'I completely understand. Is there a better time for someone from our team to call you back?',
  'Great, I have noted that down. You will receive a confirmation email with the details shortly.',
  'Thank you again for your generosity, {name}. Have a lovely rest of your afternoon.',
];
const USER_LINES = [
  'Oh hi, yes, I remember you. I have a couple of minutes.',
  'Sure, go ahead.',
  'That sounds like a good cause. What did you have in mind?',
  'Yes, put me down for seventy-five.',
  'Let us make it a one-time gift for now, maybe monthly later in the year.',
  'Could you call me back next Tuesday after six? I am driving right now.',
  'Thanks, you too. Bye.',
  'Sorry, could you repeat that? The line is a bit noisy.',
];
const NAMES = ['Maria', 'James', 'Aisha', 'Tomasz', 'Keiko', 'Daniel', 'Priya', 'Olu'];

/** A tiny seeded generator, so sizes and wording vary from item to item but never from run to run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

/** `conv_` and 26 lower-case base-32 characters, like ElevenLabs' ids; distinct for each (prefix, index). */
export function conversationId(prefix: string, index: number): string {
  const tail = index.toString(32).padStart(8, '0');
  return `conv_${hex('conv', prefix).slice(0, 26 - tail.length)}${tail}`;
}

function uuid(...parts: (string | number)[]): string {
  const h = hex('uuid', ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function turn(role: 'agent' | 'user', message: string, at: number, withMetrics: boolean) {
  return {
    role,
    message,
    tool_calls: null,
    tool_results: null,
    feedback: null,
    time_in_call_secs: at,
    conversation_turn_metrics: withMetrics
      ? {
          metrics: {
            convai_llm_service_ttfb: { elapsed_time: 0.31 },
            convai_tts_service_ttfb: { elapsed_time: 0.18 },
          },
        }
      : null,
  };
}

/** The raw body ElevenLabs would post for conversation `index` of a run; 3-5 KB depending on the call's length. */
export function transcriptionBody(prefix: string, index: number, eventTimestampSecs: number): string {
  const next = random(index * 7919 + prefix.length * 104729 + prefix.charCodeAt(0));
  const name = NAMES[Math.floor(next() * NAMES.length)] ?? 'Maria';
  const turns = 8 + Math.floor(next() * 6);
  const transcript = [];
  let at = 0;
  for (let t = 0; t < turns; t++) {
    const agent = t % 2 === 0;
    const lines = agent ? AGENT_LINES : USER_LINES;
    const line = (lines[Math.floor(next() * lines.length)] ?? '').replace('{name}', name);
    transcript.push(turn(agent ? 'agent' : 'user', line, at, agent && next() < 0.5));
    at += 3 + Math.floor(next() * 9);
  }
  const attemptId = uuid(prefix, index);
  const pledge = next() < 0.4 ? 25 * (1 + Math.floor(next() * 8)) : null;
  const envelope = {
    type: 'post_call_transcription',
    event_timestamp: eventTimestampSecs,
    data: {
      agent_id: 'agent_5501k9czkv3qepy815bm59nt04qk',
      agent_name: 'Spring Appeal Caller',
      conversation_id: conversationId(prefix, index),
      status: 'done',
      user_id: attemptId,
      branch_id: null,
      version_id: null,
      environment: null,
      transcript,
      metadata: {
        start_time_unix_secs: eventTimestampSecs - at - 20,
        call_duration_secs: at,
        cost: 200 + Math.floor(next() * 600),
        termination_reason: pledge ? 'end_call tool was called.' : 'Client disconnected: 1000',
        phone_call: {
          type: 'twilio',
          direction: 'outbound',
          phone_number_id: 'phnum_8401k9ndc950ewza733y8thmpbrx',
          agent_number: '+15551230000',
          external_number: `+1555${String(1_000_000 + index).slice(-7)}`,
          stream_sid: `MZ${hex('stream', prefix, index).slice(0, 32)}`,
          call_sid: `CA${hex('call', prefix, index).slice(0, 32)}`,
        },
      },
      analysis: {
        evaluation_criteria_results: {
          asked_for_gift: {
            criteria_id: 'asked_for_gift',
            result: 'success',
            rationale: 'The agent made a clear, specific ask for a gift amount.',
          },
        },
        data_collection_results: {
          pledge_amount: {
            data_collection_id: 'pledge_amount',
            value: pledge,
            rationale: pledge ? 'Explicit verbal pledge.' : 'No amount was mentioned.',
          },
          pledge_frequency: {
            data_collection_id: 'pledge_frequency',
            value: pledge ? 'one_time' : null,
            rationale: pledge ? 'The donor asked for a one-time gift.' : 'Not discussed.',
          },
        },
        call_successful: pledge ? 'success' : 'unknown',
        transcript_summary: pledge
          ? `${name} agreed to a $${pledge} one-time pledge to the spring appeal.`
          : `${name} listened to the spring appeal but did not commit to a gift.`,
      },
      conversation_initiation_client_data: {
        dynamic_variables: {
          donor_first_name: name,
          campaign_id: 'spring-2026',
          attempt_id: attemptId,
          system__conversation_id: conversationId(prefix, index),
        },
      },
      has_audio: true,
      has_user_audio: true,
      has_response_audio: true,
    },
  };
  return JSON.stringify(envelope);
}

/**
 * The order conversations are sent in: `count` distinct ones, with about `replayFraction` of them sent a second
 * time 20-200 conversations after the first (a redelivery, not a racing twin: at the rates this benchmark uses
 * the original has been answered by then). Returns indexes; a repeated index is a replay.
 */
export function sendOrder(count: number, replayFraction: number, seed = 1): number[] {
  const next = random(seed);
  const order: number[] = [];
  const replaysAfter = new Map<number, number[]>(); // distinct index -> indexes replayed right after it
  for (let i = 0; i < count; i++) {
    order.push(i, ...(replaysAfter.get(i) ?? []));
    if (next() < replayFraction) {
      const after = i + 20 + Math.floor(next() * 180);
      replaysAfter.set(after, [...(replaysAfter.get(after) ?? []), i]);
    }
  }
  // Replays that would fall past the end are dropped, so the fraction ends slightly under replayFraction.
  return order;
}
