/**
 * HubSpot webhooks: contact property changes (do-not-call, consent), deletions and privacy deletions, received at
 * POST /webhooks/hubspot, applied before they are acknowledged; privacy deletions erased by a job.
 */
export { HUBSPOT_WEBHOOK_QUEUES, HUBSPOT_WEBHOOK_SCHEDULES, hubspotWebhookWorkers } from './jobs.js';
export { hubspotWebhookRoutes } from './routes.js';
