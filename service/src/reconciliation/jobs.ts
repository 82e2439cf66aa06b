import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import type { EventWriter } from '../webhooks/index.js';
import { CALL_CHECK_QUEUE } from './call-check-loop.js';
import { checkPlacedCall } from './check-placed-call.js';
import { RECONCILE_SWEEP_QUEUE, reconcileSweep } from './reconcile-sweep.js';

export const RECONCILIATION_QUEUES: readonly QueueDefinition<unknown>[] = [
  CALL_CHECK_QUEUE,
  RECONCILE_SWEEP_QUEUE,
];

export const RECONCILIATION_SCHEDULES: readonly ScheduleDefinition[] = [
  { queue: RECONCILE_SWEEP_QUEUE, cron: '* * * * *' },
];

/** Looks at placed calls (one GET each), and the minutely sweep that sends again what was lost. */
export function reconciliationWorkers(
  deps: ServiceDeps & { onSlotFreed?: () => void },
  writer: EventWriter,
): Worker[] {
  return [
    defineWorker({
      queue: CALL_CHECK_QUEUE,
      // A look per call in flight per minute (100x that against the sandbox's fast calls).
      options: { pollingIntervalSeconds: 1, localConcurrency: 8 },
      handle: (data) => checkPlacedCall(deps, writer, data),
    }),
    defineWorker({
      queue: RECONCILE_SWEEP_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => reconcileSweep(deps),
    }),
  ];
}
