import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { syncContactDoNotCall } from './do-not-call/sync-do-not-call.js';
import { DNC_SYNC_DEAD_QUEUE, DNC_SYNC_QUEUE } from './do-not-call/sync-queue.js';

/** The contact feature's queues in creation order: the dead-letter queue before the queue that uses it. */
export const CONTACT_QUEUES: readonly QueueDefinition<unknown>[] = [DNC_SYNC_DEAD_QUEUE, DNC_SYNC_QUEUE];

export const CONTACT_SCHEDULES: readonly ScheduleDefinition[] = [];

/** Do-not-call writes are one small HubSpot request each, made when a person clicks: a few at once is plenty. */
export function contactWorkers(deps: ServiceDeps): Worker[] {
  return [
    defineWorker({
      queue: DNC_SYNC_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => syncContactDoNotCall(deps, data),
    }),
  ];
}
