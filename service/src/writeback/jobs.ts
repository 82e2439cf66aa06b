import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { sweepStrandedWritebacks, WRITEBACK_SWEEP_QUEUE } from './sweep-stranded.js';
import { type WritebackDeps, writebackPortal } from './writeback-portal.js';
import { WRITEBACK_DEAD_QUEUE, WRITEBACK_QUEUE } from './writeback-queue.js';

/** The write-back's queues in creation order: the dead-letter queue before the queue that uses it. */
export const WRITEBACK_QUEUES: readonly QueueDefinition<unknown>[] = [
  WRITEBACK_DEAD_QUEUE,
  WRITEBACK_QUEUE,
  WRITEBACK_SWEEP_QUEUE,
];

export const WRITEBACK_SCHEDULES: readonly ScheduleDefinition[] = [
  { queue: WRITEBACK_SWEEP_QUEUE, cron: '* * * * *' },
];

/**
 * The write-back workers. Jobs are per portal and mostly wait on HubSpot's per-portal limit, so a few run at once
 * (different portals); the sweep runs every minute; the dead-letter queue has no worker on purpose.
 */
export function writebackWorkers(deps: WritebackDeps): Worker[] {
  return [
    defineWorker({
      queue: WRITEBACK_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => writebackPortal(deps, data.portalId),
    }),
    defineWorker({
      queue: WRITEBACK_SWEEP_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => sweepStrandedWritebacks(deps),
    }),
  ];
}
