import { CALL_CHECK_QUEUE } from '../campaigns/placement/placement-queue.js';
import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { processWebhookEvent } from '../outcomes/process-call-event.js';
import { checkPlacedCall } from '../reconciliation/check-placed-call.js';
import { reconcileOutcomes } from '../reconciliation/requeue-lost-events.js';
import type { EventWriter } from './event-writer.js';
import { OUTCOME_RECONCILE_QUEUE, WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';

export const WEBHOOK_QUEUES: readonly QueueDefinition<unknown>[] = [
  WEBHOOK_PROCESS_QUEUE,
  OUTCOME_RECONCILE_QUEUE,
];

export const WEBHOOK_SCHEDULES: readonly ScheduleDefinition[] = [
  { queue: OUTCOME_RECONCILE_QUEUE, cron: '*/10 * * * *' },
];

export function webhookWorkers(
  deps: ServiceDeps & { onSlotFreed?: () => void },
  writer: EventWriter,
): Worker[] {
  return [
    defineWorker({
      queue: WEBHOOK_PROCESS_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 8 },
      handle: (data) => processWebhookEvent(deps, data.eventId),
    }),
    defineWorker({
      queue: CALL_CHECK_QUEUE,
      // Each look is one GET; a look per call in flight per minute (100x that against the sandbox's fast calls).
      options: { pollingIntervalSeconds: 1, localConcurrency: 8 },
      handle: (data) => checkPlacedCall(deps, writer, data),
    }),
    defineWorker({
      queue: OUTCOME_RECONCILE_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => reconcileOutcomes(deps),
    }),
  ];
}
