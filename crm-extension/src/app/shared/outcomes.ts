/**
 * The one outcome every call ends with, as the fundraiser sees it in HubSpot and as workflows branch on it.
 * Stored as text in the database and written to the contact's "last AI call outcome" property.
 */
export const CALL_OUTCOMES = [
  'pledged',
  'declined',
  'callback_requested',
  'voicemail',
  'no_answer',
  'busy',
  'failed',
  'opted_out',
  'wrong_number',
  'completed',
] as const;

export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes after which a contact may be called again under the campaign's retry policy. */
export const RETRYABLE_OUTCOMES = ['callback_requested', 'voicemail', 'no_answer', 'busy', 'failed'] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  pledged: 'Pledged',
  declined: 'Declined',
  callback_requested: 'Callback requested',
  voicemail: 'Voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  failed: 'Failed',
  opted_out: 'Opted out',
  wrong_number: 'Wrong number',
  completed: 'Completed, no clear result',
};
