export { WORKFLOW_ACTION_QUEUES, WORKFLOW_ACTION_SCHEDULES, workflowActionWorkers } from './jobs.js';
export { workflowActionRoutes } from './routes.js';
