export { HUBSPOT_WEBHOOK_QUEUES, HUBSPOT_WEBHOOK_SCHEDULES, hubspotWebhookWorkers } from './jobs.js';
export { hubspotWebhookRoutes } from './routes.js';
