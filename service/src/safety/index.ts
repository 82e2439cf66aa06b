/**
 * Safety switches: the global "stop all dialling" switch (start-up variable DIALLING_STOPPED, ops route, shown on
 * /readyz and GET /api/safety) and the per-campaign circuit breaker that pauses a campaign whose dials ElevenLabs
 * keeps refusing. Both live in Postgres, so every worker process obeys them.
 */

export {
  type BreakerPolicy,
  type BreakerVerdict,
  breakerVerdict,
  DEFAULT_BREAKER_POLICY,
  type DialResultSummary,
  summarizeAttempt,
} from './breaker-rule.js';
export { checkCampaignBreaker, type PauseForSafety } from './campaign-breaker.js';
export {
  applyDiallingAtStartup,
  DIALLING_STOPPED_REASON,
  diallingReadiness,
  diallingState,
  isDiallingStopped,
  STARTUP_SETTER,
  setDialling,
} from './dialling-switch.js';
export {
  denyOpsRoutes,
  guardedSafetyOpsRoutes,
  type SafetyOpsContext,
  safetyOpsRoutes,
} from './ops-routes.js';
