export { type CheckResult, checkPlacedCall } from './check-placed-call.js';
export { elevenLabsWebhookRoutes } from './elevenlabs-webhook-route.js';
export { createEventWriter, type EventWriter, type IncomingEvent } from './event-writer.js';
export { processWebhookEvent } from './process-webhook-event.js';
export { reconcileOutcomes } from './reconcile-outcomes.js';
export { WEBHOOK_QUEUES, WEBHOOK_SCHEDULES, webhookWorkers } from './webhook-engine.js';
export { OUTCOME_RECONCILE_QUEUE, WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';
