import { attemptJobSchema } from '../../core/attempt-job.js';
import { defineQueue } from '../../jobs/queue-definition.js';

export type { AttemptJob } from '../../core/attempt-job.js';

/**
 * One job per claimed attempt. The handler is idempotent (the attempt's status decides what is left to do), so
 * pg-boss may retry it freely; the heartbeat gets a job whose worker died back into the queue within seconds.
 */
export const PLACE_CALL_QUEUE = defineQueue('call-place', attemptJobSchema, {
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
export const RECONCILE_DIAL_QUEUE = defineQueue('dial-reconcile', attemptJobSchema, {
  retryLimit: 50,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 120,
  expireInSeconds: 120,
  // A worker killed mid-job gives it back within seconds (not at expiry): the next one takes it over.
  heartbeatSeconds: 10,
});
