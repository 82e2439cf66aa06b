import type { CallOutcome, ClassificationConfig } from '@fundraising/shared';
import type { CallInitiationFailure, Conversation } from '../elevenlabs/index.js';
import {
  isCollected,
  isYes,
  nonBlank,
  parseAmount,
  parseCallbackTime,
  textOf,
} from './classification-values.js';
import type { ClassifiedOutcome } from './classified-outcome.js';

/**
 * Turns ElevenLabs' account of a call into the one outcome the fundraiser sees. Pure: no I/O, no clock.
 *
 * Decision order for a finished conversation (first match wins; keep in step with the README):
 *   1. data collection doNotCall is yes (true, "true", "yes")                   → opted_out
 *   2. status `failed` with call_result `no_answer` / `busy` (it never connected:
 *      what its call_initiation_failure webhook says, as reconciliation sees it) → no_answer / busy;
 *      otherwise status `failed`, or phone_call.call_result `failed`           → failed
 *   3. data collection wrongNumber is yes                                       → wrong_number
 *   4. data collection pledgeAmount above 0 (75, "75", "$75.00", "75 dollars")  → pledged (+ frequency)
 *   5. data collection callbackTime collected, parseable or not                 → callback_requested (+ callbackAt)
 *   6. call_result `voicemail`, the voicemail data collection yes or evaluation
 *      success, or a termination reason naming voicemail / answering machine    → voicemail
 *   7. call_result `no_answer`                                                  → no_answer
 *   8. call_result `busy`                                                       → busy
 *   9. declined data collection yes or evaluation success, or call_successful
 *      `failure` with at least one user turn                                    → declined
 *  10. no user turn and under 10 s                                              → no_answer
 *  11. anything else                                                            → completed (no clear result)
 *
 * Why this order: a do-not-call request is binding however the call went, so it outranks everything, even a
 * conversation that failed afterwards (failed is retried: the person would be called again); a pledge
 * from the wrong person is not the donor's; what the donor said (pledge, callback) outranks what the line did; the
 * provider's hard facts outrank the LLM's overall success verdict, which is the least specific signal.
 *
 * Ambiguities, decided: a pledge together with do-not-call is opted_out, and the pledge amount and frequency are
 * still reported (the donor did pledge; the write-back can record it). Pledge details are reported only with
 * pledged and opted_out; callbackAt only with callback_requested. An amount of 0 is no pledge; a negative, non-numeric
 * or ambiguous amount ("2 gifts of 50") is ignored. A callback value that cannot be pinned to an instant ("tomorrow
 * evening") is still a callback request, with callbackAt null.
 *
 * Meant for conversations that have ended (`done` or `failed`); one still running has no analysis yet and would come
 * out as completed or no_answer.
 */

export interface ClassifyOptions {
  /**
   * The contact's IANA zone, to place a callback time collected without an offset ("2026-01-06T18:00"). Without
   * it the conversation's own `metadata.timezone` is used; with neither such a time gives callbackAt null.
   */
  readonly timeZone?: string | null;
}

/** A call with nobody on the line this short was not picked up (or hung up on at once). */
export const SILENT_CALL_MAX_SECS = 10;

const VOICEMAIL_TERMINATION = /voice[\s_-]?mail|answering[\s_-]?machine/i;

interface Decision {
  readonly outcome: CallOutcome;
  readonly reason: string;
  readonly callbackAt?: string | null;
}

type Analysis = NonNullable<Conversation['analysis']>;

function dataValue(analysis: Analysis | null | undefined, id: string | null): unknown {
  if (id === null) return undefined;
  const results = analysis?.data_collection_results;
  if (!results) return undefined;
  const item = results[id] ?? Object.values(results).find((r) => r.data_collection_id === id);
  return item?.value;
}

function evaluationResult(analysis: Analysis | null | undefined, id: string | null): string | null {
  if (id === null) return null;
  const results = analysis?.evaluation_criteria_results;
  if (!results) return null;
  const item = results[id] ?? Object.values(results).find((r) => r.criteria_id === id);
  return item?.result?.trim().toLowerCase() ?? null;
}

/** How a collected value reads in a reason: short and unambiguous ("true" the string vs true the boolean). */
function show(value: unknown, max = 40): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A yes from the data collection with this id or, failing that, a success of the evaluation with this id. */
function yesSignal(analysis: Analysis | null | undefined, id: string | null): string | null {
  if (id === null) return null;
  const value = dataValue(analysis, id);
  if (isYes(value)) return `data collection ${id} = ${show(value)}`;
  if (evaluationResult(analysis, id) === 'success') return `evaluation ${id} = success`;
  return null;
}

function userSpoke(conversation: Conversation): boolean {
  return conversation.transcript.some((t) => t.role === 'user' && (t.message ?? '').trim() !== '');
}

/** The call's length: the reported duration, else the time of its last turn, else nothing happened (0). */
function effectiveDurationSecs(conversation: Conversation): number {
  const reported = conversation.metadata.call_duration_secs;
  if (reported != null) return reported;
  const times = conversation.transcript.map((t) => t.time_in_call_secs ?? 0);
  return times.length === 0 ? 0 : Math.max(...times);
}

function decide(conversation: Conversation, config: ClassificationConfig, timeZone: string | null): Decision {
  const { analysis, metadata } = conversation;
  const callResult = metadata.phone_call?.call_result?.trim().toLowerCase() ?? null;

  const doNotCall = dataValue(analysis, config.doNotCall);
  if (isYes(doNotCall)) {
    const amount = parseAmount(dataValue(analysis, config.pledgeAmount));
    const pledged = amount !== null && amount > 0 ? ` (${config.pledgeAmount} ${amount} also collected)` : '';
    return {
      outcome: 'opted_out',
      reason: `data collection ${config.doNotCall} = ${show(doNotCall)}${pledged}`,
    };
  }
  if (conversation.status === 'failed' && (callResult === 'no_answer' || callResult === 'busy')) {
    return {
      outcome: callResult,
      reason: `conversation status = failed, phone_call.call_result = ${callResult} (never connected)`,
    };
  }
  if (conversation.status === 'failed') {
    const error = nonBlank(metadata.error?.reason);
    return {
      outcome: 'failed',
      reason: `conversation status = failed${error ? ` (${show(error, 80)})` : ''}`,
    };
  }
  if (callResult === 'failed') return { outcome: 'failed', reason: 'phone_call.call_result = failed' };
  const wrongNumber = dataValue(analysis, config.wrongNumber);
  if (isYes(wrongNumber)) {
    return {
      outcome: 'wrong_number',
      reason: `data collection ${config.wrongNumber} = ${show(wrongNumber)}`,
    };
  }
  const rawAmount = dataValue(analysis, config.pledgeAmount);
  const amount = parseAmount(rawAmount);
  if (amount !== null && amount > 0) {
    return { outcome: 'pledged', reason: `data collection ${config.pledgeAmount} = ${show(rawAmount)}` };
  }
  const callback = dataValue(analysis, config.callbackTime);
  if (isCollected(callback)) {
    const callbackAt = parseCallbackTime(callback, timeZone ?? nonBlank(metadata.timezone));
    const unparsed = callbackAt === null ? ' (no exact time)' : '';
    return {
      outcome: 'callback_requested',
      reason: `data collection ${config.callbackTime} = ${show(callback)}${unparsed}`,
      callbackAt,
    };
  }

  if (callResult === 'voicemail') {
    return { outcome: 'voicemail', reason: 'phone_call.call_result = voicemail' };
  }
  const voicemail = yesSignal(analysis, config.voicemail);
  if (voicemail !== null) return { outcome: 'voicemail', reason: voicemail };
  const termination = metadata.termination_reason ?? '';
  if (VOICEMAIL_TERMINATION.test(termination)) {
    return { outcome: 'voicemail', reason: `termination reason ${show(termination, 80)}` };
  }
  if (callResult === 'no_answer') {
    return { outcome: 'no_answer', reason: 'phone_call.call_result = no_answer' };
  }
  if (callResult === 'busy') return { outcome: 'busy', reason: 'phone_call.call_result = busy' };

  const declined = yesSignal(analysis, config.declined);
  if (declined !== null) return { outcome: 'declined', reason: declined };
  const verdict = analysis?.call_successful?.trim().toLowerCase() ?? null;
  const spoke = userSpoke(conversation);
  if (verdict === 'failure' && spoke) {
    return { outcome: 'declined', reason: 'call_successful = failure after the donor spoke' };
  }
  const duration = effectiveDurationSecs(conversation);
  if (!spoke && duration < SILENT_CALL_MAX_SECS) {
    return { outcome: 'no_answer', reason: `no one answered in a ${duration} s call` };
  }
  return { outcome: 'completed', reason: `no clear result (call_successful = ${verdict ?? 'missing'})` };
}

function transcriptOf(conversation: Conversation): ClassifiedOutcome['transcript'] {
  const turns: { role: string; message: string; timeInCallSecs: number }[] = [];
  let lastTime = 0;
  for (const turn of conversation.transcript) {
    // A turn without a time keeps its place in the call: it is given the time of the turn before.
    lastTime = turn.time_in_call_secs ?? lastTime;
    const message = turn.message?.trim();
    if (message) turns.push({ role: turn.role, message, timeInCallSecs: lastTime });
  }
  return turns;
}

/** Classifies a `post_call_transcription` (or a finished `GET /v1/convai/conversations/{id}`). */
export function classifyTranscription(
  conversation: Conversation,
  config: ClassificationConfig,
  options: ClassifyOptions = {},
): ClassifiedOutcome {
  const { analysis, metadata } = conversation;
  const decision = decide(conversation, config, nonBlank(options.timeZone));
  const withPledge = decision.outcome === 'pledged' || decision.outcome === 'opted_out';
  const amount = withPledge ? parseAmount(dataValue(analysis, config.pledgeAmount)) : null;
  const pledgeAmount = amount !== null && amount > 0 ? amount : null;
  const start = metadata.start_time_unix_secs;
  // An amount that was collected but not used (0, negative, in words) is named, so ops can see why no pledge.
  const rawAmount = dataValue(analysis, config.pledgeAmount);
  const ignored = !withPledge && decision.outcome !== 'wrong_number' && isCollected(rawAmount);
  return {
    outcome: decision.outcome,
    reason: ignored
      ? `${decision.reason}; ${config.pledgeAmount} ${show(rawAmount)} not used`
      : decision.reason,
    pledgeAmount,
    pledgeFrequency: pledgeAmount === null ? null : textOf(dataValue(analysis, config.pledgeFrequency)),
    callbackAt: decision.callbackAt ?? null,
    conversationId: conversation.conversation_id,
    startedAtMs: start == null ? null : Math.round(start * 1000),
    durationSecs: metadata.call_duration_secs ?? null,
    summary: nonBlank(analysis?.transcript_summary),
    transcript: transcriptOf(conversation),
    terminationReason: nonBlank(metadata.termination_reason),
    cost: metadata.cost ?? null,
    fromNumber: nonBlank(metadata.phone_call?.agent_number),
    toNumber: nonBlank(metadata.phone_call?.external_number),
  };
}

const FAILURE_OUTCOMES: Record<CallInitiationFailure['failure_reason'], CallOutcome> = {
  busy: 'busy',
  'no-answer': 'no_answer',
  unknown: 'failed',
};

/** A phone number from a failure body: text as given; a bare number (the SIP docs type them so) as +digits. */
function phoneOf(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    if (typeof candidate === 'number' && Number.isSafeInteger(candidate) && candidate > 0)
      return `+${candidate}`;
    const text = nonBlank(candidate);
    if (text !== null) return text;
  }
  return null;
}

/** What the carrier said, for the reason: "SIP 486", "Twilio no-answer, SIP 487". */
function carrierDetail(body: Readonly<Record<string, unknown>>): string | null {
  const sipCode = body.sip_status_code ?? body.SipResponseCode;
  const sip =
    typeof sipCode === 'number' || nonBlank(sipCode) !== null ? `SIP ${String(sipCode).trim()}` : null;
  const twilioStatus = nonBlank(body.CallStatus);
  const parts = [twilioStatus === null ? null : `Twilio ${twilioStatus}`, sip].filter((p) => p !== null);
  return parts.length === 0 ? null : parts.join(', ');
}

/** Classifies a `call_initiation_failure`: the call never connected, so there is no transcript or analysis. */
export function classifyInitiationFailure(event: CallInitiationFailure): ClassifiedOutcome {
  const body = event.metadata?.body ?? {};
  const detail = carrierDetail(body);
  return {
    outcome: FAILURE_OUTCOMES[event.failure_reason],
    reason: `call initiation failure: ${event.failure_reason}${detail === null ? '' : ` (${detail})`}`,
    pledgeAmount: null,
    pledgeFrequency: null,
    callbackAt: null,
    conversationId: event.conversation_id,
    startedAtMs: null,
    // Nothing was said: the call never connected.
    durationSecs: 0,
    summary: null,
    transcript: [],
    terminationReason: nonBlank(body.error_reason),
    cost: null,
    fromNumber: phoneOf(body.From, body.from_number, body.Caller),
    toNumber: phoneOf(body.To, body.to_number, body.Called),
  };
}
