import { CAMPAIGN_QUEUES, CAMPAIGN_SCHEDULES } from '../campaigns/index.js';
import { CONTACT_QUEUES, CONTACT_SCHEDULES } from '../contacts/index.js';
import { HUBSPOT_WEBHOOK_QUEUES, HUBSPOT_WEBHOOK_SCHEDULES } from '../hubspot-webhooks/index.js';
import { INSTALL_QUEUES, INSTALL_SCHEDULES } from '../install/index.js';
import { RECONCILIATION_QUEUES, RECONCILIATION_SCHEDULES } from '../reconciliation/index.js';
import { WEBHOOK_QUEUES, WEBHOOK_SCHEDULES } from '../webhooks/index.js';
import { WORKFLOW_ACTION_QUEUES, WORKFLOW_ACTION_SCHEDULES } from '../workflow-action/index.js';
import { WRITEBACK_QUEUES, WRITEBACK_SCHEDULES } from '../writeback/index.js';
import type { QueueDefinition, ScheduleDefinition } from './queue-definition.js';

/**
 * Every queue the service uses, with its options (policy, retries, expiry, dead letter), and every schedule.
 * Each feature declares its own in its jobs.ts (queues, schedules, workers); this list gathers them, and start-up
 * creates them in this order (a dead-letter queue must come before the queue using it).
 */
export const QUEUES: readonly QueueDefinition<unknown>[] = [
  ...CAMPAIGN_QUEUES,
  ...WRITEBACK_QUEUES,
  ...WEBHOOK_QUEUES,
  ...RECONCILIATION_QUEUES,
  ...INSTALL_QUEUES,
  ...WORKFLOW_ACTION_QUEUES,
  ...HUBSPOT_WEBHOOK_QUEUES,
  ...CONTACT_QUEUES,
];

export const SCHEDULES: readonly ScheduleDefinition[] = [
  ...CAMPAIGN_SCHEDULES,
  ...WEBHOOK_SCHEDULES,
  ...WRITEBACK_SCHEDULES,
  ...RECONCILIATION_SCHEDULES,
  ...INSTALL_SCHEDULES,
  ...WORKFLOW_ACTION_SCHEDULES,
  ...HUBSPOT_WEBHOOK_SCHEDULES,
  ...CONTACT_SCHEDULES,
];
