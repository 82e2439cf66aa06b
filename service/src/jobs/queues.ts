import type { QueueDefinition, ScheduleDefinition } from './queue-definition.js';

/**
 * Every queue the service uses, with its options (policy, retries, expiry, dead letter), and every schedule.
 * Queues are created at start-up in this order, so a dead-letter queue must come before the queue using it.
 * Later features add their queues here; nothing else calls createQueue.
 */
export const QUEUES: readonly QueueDefinition<unknown>[] = [];

export const SCHEDULES: readonly ScheduleDefinition[] = [];
