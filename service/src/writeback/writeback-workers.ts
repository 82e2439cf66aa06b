import { defineWorker, type Worker } from '../jobs/queue-definition.js';
import { sweepStrandedWriteBacks, WRITEBACK_SWEEP_QUEUE } from './sweep-stranded.js';
import { type WriteBackDeps, writeBackPortal } from './write-back-portal.js';
import { WRITEBACK_QUEUE } from './writeback-queue.js';

/**
 * The write-back workers. Jobs are per portal and mostly wait on HubSpot's per-portal limit, so a few run at once
 * (different portals); the sweep runs every minute; the dead-letter queue has no worker on purpose.
 */
export function writebackWorkers(deps: WriteBackDeps): Worker[] {
  return [
    defineWorker({
      queue: WRITEBACK_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => writeBackPortal(deps, data.portalId),
    }),
    defineWorker({
      queue: WRITEBACK_SWEEP_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => sweepStrandedWriteBacks(deps),
    }),
  ];
}
