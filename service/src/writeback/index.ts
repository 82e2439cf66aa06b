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
export { WRITEBACK_QUEUES, WRITEBACK_SCHEDULES, writebackWorkers } from './jobs.js';
export { type OutcomeDetail, parseOutcomeDetail } from './outcome-detail.js';
export { describeError, halves, isRejection } from './part-outcome.js';
export { STRANDED_AFTER_SECONDS, sweepStrandedWritebacks, WRITEBACK_SWEEP_QUEUE } from './sweep-stranded.js';
export { appEventId, appEventOccurrence } from './write-app-events.js';
export { CALL_SEARCH_SETTLE_MS } from './write-calls.js';
export {
  MAX_ROWS_PER_RUN,
  PAGE_SIZE,
  type WritebackDeps,
  WritebackIncompleteError,
  type WritebackSummary,
  writebackPortal,
} from './writeback-portal.js';
export {
  enqueueWriteback,
  WRITEBACK_DEAD_QUEUE,
  WRITEBACK_DEBOUNCE_SECONDS,
  WRITEBACK_QUEUE,
  type WritebackJob,
} from './writeback-queue.js';
