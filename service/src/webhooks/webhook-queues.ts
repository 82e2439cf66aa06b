import { z } from 'zod';
import { defineQueue } from '../jobs/queue-definition.js';

/** One job per stored event. Processing is idempotent (processed_at), so retries are safe. */
export const WEBHOOK_PROCESS_QUEUE = defineQueue(
  'webhook-process',
  z.object({ eventId: z.number().int().positive() }),
  {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 120,
    expireInSeconds: 120,
    notify: true,
  },
);

/** Every ten minutes: a stored event whose processing job was lost is processed all the same. */
export const OUTCOME_RECONCILE_QUEUE = defineQueue(
  'outcome-reconcile',
  z.object({}).passthrough().nullable(),
  {
    policy: 'singleton',
    retryLimit: 0,
    expireInSeconds: 600,
  },
);
