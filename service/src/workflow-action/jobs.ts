import type { HubSpotSurfaceContext } from '../api/index.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { enrolReceived } from './enrol-received.js';
import { COMPLETION_DEAD_QUEUE, COMPLETION_QUEUE, ENROL_QUEUE, SWEEP_QUEUE } from './queues.js';
import { sendCompletions } from './send-completions.js';
import { sweepWorkflowEnrolments } from './sweep.js';

/** This feature's queues in creation order (a dead-letter queue before the queue that uses it). */
export const WORKFLOW_ACTION_QUEUES: readonly QueueDefinition<unknown>[] = [
  ENROL_QUEUE,
  COMPLETION_DEAD_QUEUE,
  COMPLETION_QUEUE,
  SWEEP_QUEUE,
];

export const WORKFLOW_ACTION_SCHEDULES: readonly ScheduleDefinition[] = [
  { queue: SWEEP_QUEUE, cron: '* * * * *' },
];

/**
 * Per-portal jobs (different portals at once, each mostly waiting on HubSpot) and the minutely sweep. The
 * completion dead-letter queue has no worker on purpose: ops see it and can redrive it.
 */
export function workflowActionWorkers(ctx: HubSpotSurfaceContext): Worker[] {
  const { deps } = ctx;
  return [
    defineWorker({
      queue: ENROL_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => enrolReceived(deps, data.portalId),
    }),
    defineWorker({
      queue: COMPLETION_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => sendCompletions(deps, data.portalId),
    }),
    defineWorker({
      queue: SWEEP_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => sweepWorkflowEnrolments(deps),
    }),
  ];
}
