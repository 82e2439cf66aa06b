import { ENGINE_QUEUES, ENGINE_SCHEDULES } from '../campaigns/engine.js';
import { WEBHOOK_QUEUES, WEBHOOK_SCHEDULES } from '../webhooks/index.js';
import { WRITEBACK_QUEUES, WRITEBACK_SCHEDULES } from '../writeback/index.js';
import type { QueueDefinition, ScheduleDefinition } from './queue-definition.js';

/**
 * Every queue the service uses, with its options (policy, retries, expiry, dead letter), and every schedule.
 * Each queue is declared next to its worker; this list is the one place that gathers them, and start-up creates
 * them in this order (a dead-letter queue must come before the queue using it).
 */
export const QUEUES: readonly QueueDefinition<unknown>[] = [
  ...ENGINE_QUEUES,
  ...WRITEBACK_QUEUES,
  ...WEBHOOK_QUEUES,
];

export const SCHEDULES: readonly ScheduleDefinition[] = [
  ...ENGINE_SCHEDULES,
  ...WEBHOOK_SCHEDULES,
  ...WRITEBACK_SCHEDULES,
];
