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
