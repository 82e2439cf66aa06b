export { callBody, callEngagement, callTitle, conversationUrl } from './call-engagement.js';
export {
  CALL_ATTEMPT_ID_PROPERTY,
  CALL_PROPERTIES,
  CONTACT_PROPERTIES,
  CONTACT_PROPERTY,
  DEFAULT_DNC_PROPERTY,
  ensureCrmSetup,
  PROPERTY_GROUP,
} from './crm-schema.js';
export {
  STRANDED_AFTER_SECONDS,
  sweepStrandedWriteBacks,
  WRITEBACK_SCHEDULES,
  WRITEBACK_SWEEP_QUEUE,
} from './sweep-stranded.js';
export { appEventId, appEventOccurrence } from './write-app-events.js';
export {
  MAX_ROWS_PER_RUN,
  PAGE_SIZE,
  type WriteBackDeps,
  WriteBackIncompleteError,
  type WriteBackSummary,
  writeBackPortal,
} from './write-back-portal.js';
export { CALL_SEARCH_SETTLE_MS } from './write-calls.js';
export {
  enqueueWriteBack,
  WRITEBACK_DEAD_QUEUE,
  WRITEBACK_DEBOUNCE_SECONDS,
  WRITEBACK_QUEUE,
  type WriteBackJob,
} from './writeback-queue.js';
export { WRITEBACK_QUEUES } from './writeback-queues.js';
export { writebackWorkers } from './writeback-workers.js';
