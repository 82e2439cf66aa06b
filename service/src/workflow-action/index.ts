/**
 * The "Place AI call" workflow action: HubSpot's executions are stored and answered BLOCK, the contacts put into
 * the chosen campaign (dialled there like any other contact), and each callback completed, batched per portal,
 * once the contact's outcome is known. Also the campaign dropdown's options endpoint.
 */
export { type Completion, completionOf, type EnrolmentEnd, notCalled } from './completion-outputs.js';
export { WORKFLOW_ACTION_QUEUES, WORKFLOW_ACTION_SCHEDULES, workflowActionWorkers } from './jobs.js';
export { workflowActionRoutes } from './routes.js';
export { settleWorkflowEnrolments } from './settle.js';
