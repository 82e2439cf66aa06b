/**
 * Contacts as the HubSpot contact record's AI-calls tab sees them: a contact's call history across campaigns, its
 * state in active campaigns (next attempt in its own local time), and do-not-call set or cleared by a person (the
 * portal's list and the HubSpot property, with the property write retried by a job).
 */
export { contactCallHistory } from './call-history.js';
export { contactState } from './contact-state.js';
export { changeDoNotCall, type DoNotCallChange } from './do-not-call/change-do-not-call.js';
export { type ClearPlan, type HeldSuppression, planClear } from './do-not-call/clear-rules.js';
export { type SyncResult, syncContactDoNotCall } from './do-not-call/sync-do-not-call.js';
export { DNC_SYNC_DEAD_QUEUE, DNC_SYNC_QUEUE, type DoNotCallSyncJob } from './do-not-call/sync-queue.js';
export { CONTACT_QUEUES, CONTACT_SCHEDULES, contactWorkers } from './jobs.js';
export { localTimesOf } from './local-time.js';
