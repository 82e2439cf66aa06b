import { intBetween, pick, pickWeighted, type Random, randomFor, unitFor } from '../deterministic.js';

/**
 * What happens on a simulated call, and what ElevenLabs would report about it. The mix is chosen from
 * (seed, number dialled, how many times that number was dialled before), so a rerun with the same seed replays the
 * same story, and a redial of the same number can turn out differently.
 */

export const SANDBOX_OUTCOMES = [
  'pledged',
  'declined',
  'callback_requested',
  'voicemail',
  'no_answer',
  'busy',
  'opted_out',
  'wrong_number',
  'failed',
] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

/** Rough shape of a real appeal: most calls reach nobody or say no, some pledge. Sums to 1. */
export const OUTCOME_WEIGHTS: Readonly<Record<SandboxOutcome, number>> = {
  pledged: 0.18,
  declined: 0.2,
  callback_requested: 0.08,
  voicemail: 0.16,
  no_answer: 0.16,
  busy: 0.06,
  opted_out: 0.05,
  wrong_number: 0.04,
  failed: 0.07,
};

/** Outcomes ElevenLabs reports with `call_initiation_failure` instead of a transcript. */
export type InitiationFailureReason = 'busy' | 'no-answer' | 'unknown';

export function initiationFailureOf(outcome: SandboxOutcome): InitiationFailureReason | null {
  if (outcome === 'no_answer') return 'no-answer';
  if (outcome === 'busy') return 'busy';
  if (outcome === 'failed') return 'unknown';
  return null;
}

export function chooseOutcome(seed: number, toNumber: string, dialIndex: number): SandboxOutcome {
  return pickWeighted(unitFor(seed, 'outcome', toNumber, dialIndex), OUTCOME_WEIGHTS);
}

export interface TranscriptTurn {
  role: 'agent' | 'user';
  message: string;
  time_in_call_secs: number;
  tool_calls: never[];
  tool_results: never[];
  feedback: null;
  interrupted: boolean;
  conversation_turn_metrics: null;
}

export interface DataCollection {
  pledgeAmount: number | null;
  pledgeFrequency: 'one_time' | 'monthly' | null;
  callbackTime: string | null;
  doNotCall: boolean;
  wrongNumber: boolean;
}

/** Everything about one call that does not depend on when it is observed. */
export interface CallStory {
  readonly outcome: SandboxOutcome;
  /** Simulated seconds between the dial and the pick-up (or the provider giving up). */
  readonly ringSecs: number;
  /** Simulated seconds of conversation; 0 for an initiation failure. */
  readonly talkSecs: number;
  readonly transcript: readonly TranscriptTurn[];
  readonly callSuccessful: 'success' | 'failure' | 'unknown';
  readonly summary: string;
  readonly summaryTitle: string;
  readonly terminationReason: string;
  readonly callResult: 'answered' | 'voicemail' | 'busy' | 'no_answer' | 'failed';
  readonly data: DataCollection;
  readonly askedForGift: boolean;
}

export interface StoryContext {
  readonly seed: number;
  readonly toNumber: string;
  readonly dialIndex: number;
  readonly dynamicVariables: Readonly<Record<string, unknown>>;
  /** How long the dial asked the phone to ring, if it said. */
  readonly ringingTimeoutSecs: number | null;
  readonly nowMs: number;
}

function firstNameOf(vars: Readonly<Record<string, unknown>>): string {
  for (const key of ['donor_first_name', 'first_name', 'firstname', 'firstName', 'name']) {
    const value = vars[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return 'there';
}

function lastGiftOf(vars: Readonly<Record<string, unknown>>): number | null {
  for (const key of ['last_gift_amount', 'lastGiftAmount', 'last_gift']) {
    const value = Number(vars[key]);
    if (Number.isFinite(value) && value > 0) return value;
  }
  return null;
}

function turns(lines: readonly [TranscriptTurn['role'], string][], random: Random): TranscriptTurn[] {
  let t = 0;
  return lines.map(([role, message]) => {
    const turn: TranscriptTurn = {
      role,
      message,
      time_in_call_secs: t,
      tool_calls: [],
      tool_results: [],
      feedback: null,
      interrupted: false,
      conversation_turn_metrics: null,
    };
    t += intBetween(random, 3, 12);
    return turn;
  });
}

const NO_DATA: DataCollection = {
  pledgeAmount: null,
  pledgeFrequency: null,
  callbackTime: null,
  doNotCall: false,
  wrongNumber: false,
};

/** Builds the story of one call. Pure: the same context always tells the same story. */
export function tellStory(outcome: SandboxOutcome, ctx: StoryContext): CallStory {
  const random = randomFor(ctx.seed, 'story', ctx.toNumber, ctx.dialIndex);
  const name = firstNameOf(ctx.dynamicVariables);
  const lastGift = lastGiftOf(ctx.dynamicVariables);
  const ask = lastGift === null ? pick(random, [25, 50, 75, 100]) : Math.round((lastGift * 1.25) / 5) * 5;
  const greeting = `Hi ${name}, this is Ava calling from Riverside Food Bank. Do you have a minute?`;
  const answeredRing = intBetween(random, 4, 18);
  const base = {
    outcome,
    ringSecs: answeredRing,
    askedForGift: false,
    data: NO_DATA,
    callResult: 'answered' as const,
  };
  const failureRing = Math.min(ctx.ringingTimeoutSecs ?? 30, 60);

  switch (outcome) {
    case 'pledged': {
      const amount = pick(random, [ask, ask, Math.max(10, ask - 25), ask + 25]);
      const frequency = random() < 0.3 ? ('monthly' as const) : ('one_time' as const);
      const per = frequency === 'monthly' ? ' a month' : '';
      return {
        ...base,
        talkSecs: intBetween(random, 70, 200),
        askedForGift: true,
        transcript: turns(
          [
            ['agent', greeting],
            ['user', "Sure, what's this about?"],
            ['agent', `Our spring appeal feeds 400 families a week. Would you consider a gift of $${ask}?`],
            ['user', `Yes, put me down for ${amount} dollars${per}.`],
            ['agent', `Thank you so much, ${name}! We'll send a confirmation by mail.`],
          ],
          random,
        ),
        callSuccessful: 'success',
        summary: `The donor pledged $${amount}${per} to the spring appeal.`,
        summaryTitle: 'Pledge secured',
        terminationReason: 'end_call tool was called.',
        data: { ...NO_DATA, pledgeAmount: amount, pledgeFrequency: frequency },
      };
    }
    case 'declined':
      return {
        ...base,
        talkSecs: intBetween(random, 40, 120),
        askedForGift: true,
        transcript: turns(
          [
            ['agent', greeting],
            ['user', 'Okay.'],
            ['agent', `Would you consider a gift of $${ask} to our spring appeal?`],
            ['user', "Not this year, money's tight. Thanks anyway."],
            ['agent', 'I completely understand. Thank you for your past support!'],
          ],
          random,
        ),
        callSuccessful: 'failure',
        summary: 'The donor declined to give this year.',
        summaryTitle: 'Declined',
        terminationReason: 'end_call tool was called.',
      };
    case 'callback_requested': {
      // A time the donor named: tomorrow, on a round hour, sent as ISO 8601 (UTC) like a data-collection string.
      const at = new Date(ctx.nowMs + 86_400_000);
      at.setUTCHours(intBetween(random, 15, 23), 0, 0, 0);
      return {
        ...base,
        talkSecs: intBetween(random, 20, 60),
        transcript: turns(
          [
            ['agent', greeting],
            ['user', "I'm driving right now, can you call me back tomorrow evening?"],
            ['agent', "Of course, we'll call you back tomorrow. Drive safely!"],
          ],
          random,
        ),
        callSuccessful: 'unknown',
        summary: 'The donor asked to be called back tomorrow.',
        summaryTitle: 'Callback requested',
        terminationReason: 'end_call tool was called.',
        data: { ...NO_DATA, callbackTime: at.toISOString() },
      };
    }
    case 'voicemail':
      return {
        ...base,
        ringSecs: intBetween(random, 15, 25),
        talkSecs: intBetween(random, 15, 35),
        transcript: turns(
          [
            ['user', "Hi, you've reached this number. Please leave a message after the tone."],
            [
              'agent',
              `Hi ${name}, this is Ava from Riverside Food Bank. We'll try you again soon. Thank you!`,
            ],
          ],
          random,
        ),
        callSuccessful: 'failure',
        summary: 'The call reached voicemail; the agent left a short message.',
        summaryTitle: 'Voicemail',
        terminationReason: 'voicemail_detection tool was called.',
        callResult: 'voicemail',
      };
    case 'opted_out':
      return {
        ...base,
        talkSecs: intBetween(random, 10, 30),
        transcript: turns(
          [
            ['agent', greeting],
            ['user', 'Please take me off your call list and do not call me again.'],
            ['agent', "I'm sorry for the bother. I've noted that, and you won't be called again."],
          ],
          random,
        ),
        callSuccessful: 'failure',
        summary: 'The person asked not to be called again.',
        summaryTitle: 'Opted out',
        terminationReason: 'end_call tool was called.',
        data: { ...NO_DATA, doNotCall: true },
      };
    case 'wrong_number':
      return {
        ...base,
        talkSecs: intBetween(random, 8, 25),
        transcript: turns(
          [
            ['agent', greeting],
            ['user', `There's no ${name} here, you have the wrong number.`],
            ['agent', 'My apologies for the mix-up. Have a good day.'],
          ],
          random,
        ),
        callSuccessful: 'failure',
        summary: 'Wrong number: the person who answered does not know the donor.',
        summaryTitle: 'Wrong number',
        terminationReason: 'end_call tool was called.',
        data: { ...NO_DATA, wrongNumber: true },
      };
    case 'no_answer':
    case 'busy':
    case 'failed':
      return {
        ...base,
        ringSecs: outcome === 'no_answer' ? failureRing : outcome === 'busy' ? intBetween(random, 2, 6) : 1,
        talkSecs: 0,
        transcript: [],
        callSuccessful: 'unknown',
        summary: '',
        summaryTitle: '',
        terminationReason: `Call initiation failed: ${initiationFailureOf(outcome) ?? 'unknown'}`,
        callResult: outcome === 'no_answer' ? 'no_answer' : outcome === 'busy' ? 'busy' : 'failed',
      };
  }
}
