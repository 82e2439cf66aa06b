export { elevenLabsWebhookRoutes } from './elevenlabs-webhook-route.js';
export {
  createEventWriter,
  type EventWriter,
  eventDedupeKey,
  type IncomingEvent,
  WEBHOOK_PROCESS_QUEUE,
  type WriteResult,
} from './event-writer.js';
export { WEBHOOK_QUEUES, WEBHOOK_SCHEDULES, webhookWorkers } from './jobs.js';
