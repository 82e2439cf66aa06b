import {
  CALL_OUTCOMES,
  type CallOutcome,
  type NotCalledReason,
  type PlaceCallOutputs,
  type SkipReason,
} from '@fundraising/shared';

/**
 * What a finished enrolment tells its workflow: the outputs of the callback completion (strings, as HubSpot output
 * fields are; a value that is not known is left out, so the workflow sees it as unknown) and whether the action
 * succeeded. Pure.
 */

/** Where the enrolment ended. */
export type EnrolmentEnd =
  /** Its campaign row is done: the last call's outcome and what the agent collected on it. */
  | {
      readonly kind: 'called';
      readonly outcome: string | null;
      readonly pledgeAmount?: number | null | undefined;
      readonly pledgeFrequency?: string | null | undefined;
      readonly callbackAt?: string | null | undefined;
      readonly summary?: string | null | undefined;
    }
  /** Its campaign row was skipped (at enrolment, at dispatch or at dial time). */
  | { readonly kind: 'skipped'; readonly skipReason: string | null }
  /** It never reached a campaign row, or its campaign ended before calling it. */
  | { readonly kind: 'not_called'; readonly reason: NotCalledReason };

export interface Completion {
  readonly outputs: PlaceCallOutputs;
  /** FAIL_CONTINUE marks the action failed in the workflow's history (a set-up problem), and the workflow goes on. */
  readonly executionState: 'SUCCESS' | 'FAIL_CONTINUE';
}

const SKIP_TO_REASON: Readonly<Record<SkipReason, NotCalledReason>> = {
  no_phone: 'no_phone',
  invalid_phone: 'invalid_phone',
  duplicate_phone: 'duplicate_phone',
  suppressed: 'do_not_call',
  no_consent: 'no_consent',
  no_time_zone: 'no_time_zone',
  contact_deleted: 'contact_not_found',
};

/** Not the contact's doing: the action was set up with a campaign that cannot call, or the app is not installed. */
const SET_UP_PROBLEMS: ReadonlySet<NotCalledReason> = new Set([
  'campaign_not_found',
  'campaign_cancelled',
  'campaign_completed',
  'portal_not_connected',
]);

/** HubSpot's limit on a string property value: a summary is cut there rather than refused. */
export const MAX_OUTPUT_LENGTH = 65_536;

const isCallOutcome = (value: string | null): value is CallOutcome =>
  value !== null && (CALL_OUTCOMES as readonly string[]).includes(value);

const isSkipReason = (value: string | null): value is SkipReason => value !== null && value in SKIP_TO_REASON;

/** An amount as plain decimal text ("50", "12.5"), never exponent notation; nothing for a non-positive one. */
export function amountText(amount: number | null | undefined): string | undefined {
  if (amount === null || amount === undefined || !Number.isFinite(amount) || amount <= 0) return undefined;
  const rounded = Math.round(amount * 100) / 100;
  return rounded.toFixed(2).replace(/\.?0+$/, '');
}

function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_OUTPUT_LENGTH);
}

export function notCalled(reason: NotCalledReason): Completion {
  return {
    outputs: { outcome: 'not_called', reason },
    executionState: SET_UP_PROBLEMS.has(reason) ? 'FAIL_CONTINUE' : 'SUCCESS',
  };
}

export function completionOf(end: EnrolmentEnd): Completion {
  switch (end.kind) {
    case 'not_called':
      return notCalled(end.reason);
    case 'skipped':
      // A skipped row always has its reason (a table constraint); an unknown one reads as do-not-call, the safe side.
      return notCalled(isSkipReason(end.skipReason) ? SKIP_TO_REASON[end.skipReason] : 'do_not_call');
    case 'called': {
      // Every done row has its outcome; a row finished without one (never expected) reads as a failed call.
      const outcome = isCallOutcome(end.outcome) ? end.outcome : 'failed';
      const outputs: PlaceCallOutputs = { outcome };
      const amount = amountText(end.pledgeAmount);
      if (amount !== undefined) outputs.pledge_amount = amount;
      const frequency = text(end.pledgeFrequency);
      if (frequency !== undefined) outputs.pledge_frequency = frequency;
      const callback = text(end.callbackAt);
      if (callback !== undefined) outputs.callback_time = callback;
      const summary = text(end.summary);
      if (summary !== undefined) outputs.summary = summary;
      return { outputs, executionState: 'SUCCESS' };
    }
  }
}
