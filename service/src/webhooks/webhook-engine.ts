import type { EngineDeps } from '../campaigns/engine-deps.js';
import { CALL_CHECK_QUEUE } from '../campaigns/placement/placement-queue.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { checkPlacedCall } from './check-placed-call.js';
import type { EventWriter } from './event-writer.js';
import { processWebhookEvent } from './process-webhook-event.js';
import { reconcileOutcomes } from './reconcile-outcomes.js';
import { OUTCOME_RECONCILE_QUEUE, WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';

export const WEBHOOK_QUEUES: readonly QueueDefinition<unknown>[] = [
  WEBHOOK_PROCESS_QUEUE,
  OUTCOME_RECONCILE_QUEUE,
];

export const WEBHOOK_SCHEDULES: readonly ScheduleDefinition[] = [
  { queue: OUTCOME_RECONCILE_QUEUE, cron: '*/10 * * * *' },
];

export function webhookWorkers(
  deps: EngineDeps & { onSlotFreed?: () => void },
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
