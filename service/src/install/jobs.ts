import type { HubSpotSurfaceContext } from '../api/index.js';
import type { QueueDefinition, ScheduleDefinition, Worker } from '../jobs/queue-definition.js';

/** This feature's queues in creation order (a dead-letter queue before the queue that uses it). */
export const INSTALL_QUEUES: readonly QueueDefinition<unknown>[] = [];

export const INSTALL_SCHEDULES: readonly ScheduleDefinition[] = [];

export function installWorkers(_ctx: HubSpotSurfaceContext): Worker[] {
  return [];
}
