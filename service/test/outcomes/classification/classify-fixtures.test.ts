import { CALL_OUTCOMES, DEFAULT_CLASSIFICATION } from '@fundraising/shared';
import { describe, expect, it } from 'vitest';
import type { ClassifiedOutcome } from '../../../src/outcomes/classified-outcome.js';
import { classifyInitiationFailure, classifyTranscription } from '../../../src/outcomes/classify.js';
import { fixtureJson, webhookEvent } from './fixtures/index.js';

/** Every fixture runs through parseElevenLabsWebhook first, then the classifier the event type calls for. */
function classifyFixture(name: string): ClassifiedOutcome {
  const event = webhookEvent(fixtureJson(name));
  if (event.type === 'post_call_transcription')
    return classifyTranscription(event.data, DEFAULT_CLASSIFICATION);
  if (event.type === 'call_initiation_failure') return classifyInitiationFailure(event.data);
  throw new Error(`${name}: no classifier for ${event.type}`);
}

interface Row {
  readonly fixture: string;
  readonly because: string;
  readonly expected: Partial<ClassifiedOutcome>;
  /** A fragment the reason must contain: it names the deciding signal. */
  readonly reason: string;
}

const NO_PLEDGE = { pledgeAmount: null, pledgeFrequency: null } as const;

const ROWS: readonly Row[] = [
  {
    fixture: 'contracts-9-2-conversation-pledged.json',
    because: 'a GET conversation body (§9.2) with pledge_amount 75',
    expected: {
      outcome: 'pledged',
      pledgeAmount: 75,
      pledgeFrequency: null,
      callbackAt: null,
      conversationId: 'conv_01jz8k2m3n4p5q6r7s8t9v0w1x',
      startedAtMs: 1_767_000_000_000,
      durationSecs: 94,
      cost: 412,
      summary: 'The donor agreed to a $75 pledge for the spring appeal.',
      terminationReason: 'end_call tool was called.',
      fromNumber: '+15551230000',
      toNumber: '+15557654321',
    },
    reason: 'data collection pledge_amount = 75',
  },
  {
    fixture: 'contracts-9-3-transcription-pledged.json',
    because: 'the documented post_call_transcription (§9.3), empty termination reason',
    expected: { outcome: 'pledged', pledgeAmount: 75, terminationReason: null, durationSecs: 94 },
    reason: 'pledge_amount = 75',
  },
  {
    fixture: 'contracts-9-4-twilio-no-answer.json',
    because: 'a Twilio call_initiation_failure no-answer (§9.4)',
    expected: {
      outcome: 'no_answer',
      conversationId: 'conv_01jz8m0a1b2c3d4e5f6g7h8j9k',
      toNumber: '+15557654321',
      fromNumber: '+15551230000',
      durationSecs: 0,
      transcript: [],
      summary: null,
      ...NO_PLEDGE,
    },
    reason: 'call initiation failure: no-answer (Twilio no-answer, SIP 487)',
  },
  {
    fixture: 'contracts-9-4-sip-busy.json',
    because: "§9.4's SIP variant, busy",
    expected: {
      outcome: 'busy',
      conversationId: 'conv_01jz8m0b2c3d4e5f6g7h8j9k0m',
      toNumber: '+15557654321',
      fromNumber: '+15551230000',
      terminationReason: 'INVITE failed: sip status: 486: Busy here (SIP 486)',
    },
    reason: 'call initiation failure: busy (SIP 486)',
  },
  {
    fixture: 'twilio-unknown-failure.json',
    because: 'a Twilio failure with reason unknown',
    expected: { outcome: 'failed', toNumber: '+15035550199', fromNumber: '+16175550100' },
    reason: 'call initiation failure: unknown (Twilio failed, SIP 500)',
  },
  {
    fixture: 'sip-no-answer-numeric-numbers.json',
    because: 'a SIP no-answer whose numbers came as JSON numbers',
    expected: { outcome: 'no_answer', toNumber: '+15035550123', fromNumber: '+16175550101' },
    reason: 'SIP 480',
  },
  {
    fixture: 'declined-call-successful-failure.json',
    because: 'call_successful failure after the donor spoke, nothing collected',
    expected: {
      outcome: 'declined',
      durationSecs: 58,
      fromNumber: '+16175550100',
      toNumber: '+15035550142',
      ...NO_PLEDGE,
    },
    reason: 'call_successful = failure',
  },
  {
    fixture: 'declined-data-collection-sip.json',
    because: 'the declined data collection is true though call_successful is unknown',
    expected: { outcome: 'declined', fromNumber: '+16175550101' },
    reason: 'data collection declined = true',
  },
  {
    fixture: 'callback-iso-time.json',
    because: 'callback_time with an offset',
    expected: { outcome: 'callback_requested', callbackAt: '2026-01-07T02:00:00.000Z', ...NO_PLEDGE },
    reason: 'data collection callback_time = "2026-01-06T18:00:00-08:00"',
  },
  {
    fixture: 'callback-unparseable-time.json',
    because: 'a callback asked for, at no exact time',
    expected: { outcome: 'callback_requested', callbackAt: null },
    reason: '"tomorrow evening" (no exact time)',
  },
  {
    fixture: 'callback-local-time-conversation-timezone.json',
    because: 'a local callback time placed in the conversation time zone (America/Chicago)',
    expected: { outcome: 'callback_requested', callbackAt: '2026-01-03T16:00:00.000Z' },
    reason: 'callback_time',
  },
  {
    fixture: 'voicemail-call-result.json',
    because: 'call_result voicemail (the greeting counts as a user turn, call_successful failure)',
    expected: { outcome: 'voicemail', terminationReason: 'voicemail_detection tool was called.' },
    reason: 'phone_call.call_result = voicemail',
  },
  {
    fixture: 'voicemail-termination-reason-only.json',
    because: 'no call_result, no data collection: only the termination reason says answering machine',
    expected: { outcome: 'voicemail' },
    reason: 'termination reason "Call ended: answering machine detected"',
  },
  {
    fixture: 'voicemail-evaluation-criterion.json',
    because: 'the voicemail evaluation criterion succeeded',
    expected: { outcome: 'voicemail' },
    reason: 'evaluation voicemail = success',
  },
  {
    fixture: 'no-answer-silent-short-call.json',
    because: 'connected, nobody spoke, 6 s',
    expected: { outcome: 'no_answer', durationSecs: 6 },
    reason: 'no one answered in a 6 s call',
  },
  {
    fixture: 'failed-status.json',
    because: 'conversation status failed, no analysis',
    expected: { outcome: 'failed', summary: null, transcript: [], durationSecs: 0, ...NO_PLEDGE },
    reason: 'conversation status = failed ("Twilio media stream closed unexpectedly")',
  },
  {
    fixture: 'failed-call-result.json',
    because: 'status done but call_result failed',
    expected: { outcome: 'failed' },
    reason: 'phone_call.call_result = failed',
  },
  {
    fixture: 'opted-out.json',
    because: 'do_not_call collected as the string "yes"',
    expected: { outcome: 'opted_out', ...NO_PLEDGE, callbackAt: null },
    reason: 'data collection do_not_call = "yes"',
  },
  {
    fixture: 'pledge-with-do-not-call.json',
    because: 'a pledge and a do-not-call request: opted_out wins, the pledge is still reported',
    expected: { outcome: 'opted_out', pledgeAmount: 50, pledgeFrequency: 'one_time' },
    reason: 'data collection do_not_call = true (pledge_amount 50 also collected)',
  },
  {
    fixture: 'wrong-number.json',
    because: 'wrong_number true',
    expected: { outcome: 'wrong_number', ...NO_PLEDGE },
    reason: 'data collection wrong_number = true',
  },
  {
    fixture: 'pledge-amount-string-currency-sip.json',
    because: 'the amount as text with a currency sign, monthly, over a SIP trunk',
    expected: { outcome: 'pledged', pledgeAmount: 75, pledgeFrequency: 'monthly', durationSecs: 142 },
    reason: 'data collection pledge_amount = "$75.00"',
  },
  {
    fixture: 'completed-unknown-long-conversation.json',
    because: 'call_successful unknown, a long two-sided conversation, nothing collected',
    expected: { outcome: 'completed', durationSecs: 176, ...NO_PLEDGE },
    reason: 'no clear result (call_successful = unknown)',
  },
  {
    fixture: 'pledge-zero-is-declined.json',
    because: 'pledge_amount 0 is no pledge; call_successful failure decides',
    expected: { outcome: 'declined', ...NO_PLEDGE },
    reason: 'call_successful = failure after the donor spoke; pledge_amount 0 not used',
  },
  {
    fixture: 'pledge-negative-amount-ignored.json',
    because: 'a negative amount is ignored, not a pledge',
    expected: { outcome: 'completed', ...NO_PLEDGE },
    reason: 'no clear result (call_successful = unknown); pledge_amount -20 not used',
  },
  {
    fixture: 'pledge-with-unparseable-words-amount.json',
    because: 'an amount in words is not read (the agent schema should ask for a number)',
    expected: { outcome: 'completed', ...NO_PLEDGE },
    reason: 'no clear result (call_successful = success); pledge_amount "seventy-five" not used',
  },
  {
    fixture: 'pledge-and-callback.json',
    because: 'a pledge outranks a callback request; callbackAt only goes with callback_requested',
    expected: { outcome: 'pledged', pledgeAmount: 100, callbackAt: null },
    reason: 'pledge_amount = "100 dollars"',
  },
];

describe('classification of realistic webhook payloads', () => {
  it.each(ROWS)('$fixture → $expected.outcome ($because)', ({ fixture, expected, reason }) => {
    const result = classifyFixture(fixture);
    expect(result).toMatchObject(expected);
    expect(result.reason).toContain(reason);
  });

  it('covers every outcome with at least one fixture', () => {
    const covered = new Set(ROWS.map((r) => r.expected.outcome));
    expect([...CALL_OUTCOMES].filter((o) => !covered.has(o))).toEqual([]);
  });

  it('keeps the transcript in order with times, and leaves out turns with no message', () => {
    const result = classifyFixture('contracts-9-2-conversation-pledged.json');
    expect(result.transcript).toEqual([
      {
        role: 'agent',
        message: 'Hi Maria, this is Ava calling from Riverside Food Bank. Do you have a minute?',
        timeInCallSecs: 0,
      },
      { role: 'user', message: "Sure, what's this about?", timeInCallSecs: 5 },
      {
        role: 'agent',
        message: 'Thanks for your gift of $50 last spring. Would you consider $75 this year?',
        timeInCallSecs: 8,
      },
      { role: 'user', message: 'Yes, put me down for seventy-five.', timeInCallSecs: 16 },
    ]);
  });
});
