import type { HubSpotSurfaceContext } from '../api/index.js';
import type { QueueDefinition, ScheduleDefinition, Worker } from '../jobs/queue-definition.js';

/** This feature's queues in creation order (a dead-letter queue before the queue that uses it). */
export const WORKFLOW_ACTION_QUEUES: readonly QueueDefinition<unknown>[] = [];

export const WORKFLOW_ACTION_SCHEDULES: readonly ScheduleDefinition[] = [];

export function workflowActionWorkers(_ctx: HubSpotSurfaceContext): Worker[] {
  return [];
}
