import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { processCallEvent } from '../outcomes/index.js';
import { WEBHOOK_PROCESS_QUEUE } from './event-writer.js';

export const WEBHOOK_QUEUES: readonly QueueDefinition<unknown>[] = [WEBHOOK_PROCESS_QUEUE];
export const WEBHOOK_SCHEDULES: readonly ScheduleDefinition[] = [];

/** Stored events become outcomes (the outcome stage, in outcomes/). */
export function webhookWorkers(deps: ServiceDeps & { onSlotFreed?: () => void }): Worker[] {
  return [
    defineWorker({
      queue: WEBHOOK_PROCESS_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 8 },
      handle: (data) => processCallEvent(deps, data.eventId),
    }),
  ];
}
