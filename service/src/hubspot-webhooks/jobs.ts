import type { HubSpotSurfaceContext } from '../api/index.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { eraseContact } from './erase-contact.js';
import { CONTACT_ERASURE_QUEUE } from './erasure-queue.js';

/** This feature's queues in creation order (a dead-letter queue before the queue that uses it). */
export const HUBSPOT_WEBHOOK_QUEUES: readonly QueueDefinition<unknown>[] = [CONTACT_ERASURE_QUEUE];

export const HUBSPOT_WEBHOOK_SCHEDULES: readonly ScheduleDefinition[] = [];

/**
 * Only erasures run as jobs: every other effect of a HubSpot webhook is applied in the transaction that stores it,
 * so it binds the next dial the moment HubSpot has its acknowledgement.
 */
export function hubspotWebhookWorkers(ctx: HubSpotSurfaceContext): Worker[] {
  return [
    defineWorker({
      queue: CONTACT_ERASURE_QUEUE,
      options: { pollingIntervalSeconds: 2, localConcurrency: 2 },
      handle: (data) => eraseContact(ctx.deps, data),
    }),
  ];
}
