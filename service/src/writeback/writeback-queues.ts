import type { QueueDefinition } from '../jobs/queue-definition.js';
import { WRITEBACK_SWEEP_QUEUE } from './sweep-stranded.js';
import { WRITEBACK_DEAD_QUEUE, WRITEBACK_QUEUE } from './writeback-queue.js';

/** The write-back's queues in creation order: the dead-letter queue before the queue that uses it. */
export const WRITEBACK_QUEUES: readonly QueueDefinition<unknown>[] = [
  WRITEBACK_DEAD_QUEUE,
  WRITEBACK_QUEUE,
  WRITEBACK_SWEEP_QUEUE,
];
