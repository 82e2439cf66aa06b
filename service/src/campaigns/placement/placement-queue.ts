import { z } from 'zod';
import { defineQueue } from '../../jobs/queue-definition.js';

const attemptJob = z.object({ attemptId: z.uuid(), portalId: z.number().int().positive() });
export type AttemptJob = z.infer<typeof attemptJob>;

/**
 * One job per claimed attempt. The handler is idempotent (the attempt's status decides what is left to do), so
 * pg-boss may retry it freely; the heartbeat gets a job whose worker died back into the queue within seconds.
 */
export const PLACE_CALL_QUEUE = defineQueue('call-place', attemptJob, {
  retryLimit: 20,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 300,
  heartbeatSeconds: 10,
  // Woken by LISTEN/NOTIFY the moment the dispatcher commits a claim, rather than at the next poll.
  notify: true,
});

/** A dial whose result is unknown: find the conversation by our attempt id before anything else happens. */
export const RECONCILE_DIAL_QUEUE = defineQueue('dial-reconcile', attemptJob, {
  retryLimit: 50,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 120,
  expireInSeconds: 120,
});

/**
 * One look at a placed call with no outcome yet at ElevenLabs, sent by the engine's call-check loop when due (see
 * call-check-policy.ts): a lost webhook then frees the call's slot within a minute of the call's end. A look that
 * finds the call still running, or not yet traceable, sets when the next one is due.
 */
export const CALL_CHECK_QUEUE = defineQueue('call-check', attemptJob, {
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 60,
  // The loop sends looks in batches: wake the workers at once rather than at their next poll.
  notify: true,
});
