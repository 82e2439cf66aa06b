/**
 * The outcome stage: a stored post-call event (from a webhook or from reconciliation) becomes the call's outcome:
 * classified, recorded with the retry decision for the contact, and queued for the HubSpot write-back.
 */
export type { ClassifiedOutcome } from './classified-outcome.js';
export { type ClassifyOptions, classifyInitiationFailure, classifyTranscription } from './classify.js';
export { AttemptNotYetKnownError, type ProcessResult, processCallEvent } from './process-call-event.js';
export { type OutcomeInput, type OutcomeRecorded, recordOutcome } from './record-outcome.js';
export { type NextStep, nextStepAfter } from './retry-policy.js';
