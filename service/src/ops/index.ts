export { DEAD_LETTERS_PATH, deadLetterPairs } from './dead-letters.js';
export {
  createJobDashboard,
  dashboardActionHosts,
  JOB_DASHBOARD_PATH,
  type JobDashboard,
} from './job-dashboard.js';
export {
  type OpsAuthOptions,
  type OpsCredentials,
  opsAuth,
  resolveOpsCredentials,
  SANDBOX_OPS_USER,
} from './ops-auth.js';
export { createOpsTools } from './ops-tools.js';
export { createOpsMetrics, type OpsMetrics, type OpsMetricsOptions } from './prometheus-metrics.js';
export { metricsHandler, type OpsRoutesOptions, opsRoutes, startMetricsServer } from './routes.js';
