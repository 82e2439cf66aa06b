/**
 * Reconciliation of placed calls: ElevenLabs does not retry webhooks, so each placed call with no outcome is
 * looked up until it has one (a finished call is stored as its webhook would have been), and a call the provider
 * has no trace of ends as failed.
 */
export {
  CALL_CHECK_QUEUE,
  type CallCheckJob,
  type CallCheckLoop,
  sendDueCallChecks,
  startCallCheckLoop,
} from './call-check-loop.js';
export {
  afterLook,
  type CallTiming,
  callTimingOf,
  firstCheckAt,
  type GiveUpReason,
  type LookResult,
  latestEndAt,
  type NextStep,
} from './call-check-policy.js';
export { type CheckResult, checkPlacedCall } from './check-placed-call.js';
export { RECONCILIATION_QUEUES, RECONCILIATION_SCHEDULES, reconciliationWorkers } from './jobs.js';
export { RECONCILE_SWEEP_QUEUE, type ReconcileSweepResult, reconcileSweep } from './reconcile-sweep.js';
