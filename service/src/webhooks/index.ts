export { processWebhookEvent } from '../outcomes/process-call-event.js';
export { type CheckResult, checkPlacedCall } from '../reconciliation/check-placed-call.js';
export { reconcileOutcomes } from '../reconciliation/requeue-lost-events.js';
export { elevenLabsWebhookRoutes } from './elevenlabs-webhook-route.js';
export { createEventWriter, type EventWriter, type IncomingEvent } from './event-writer.js';
export { WEBHOOK_QUEUES, WEBHOOK_SCHEDULES, webhookWorkers } from './webhook-engine.js';
export { OUTCOME_RECONCILE_QUEUE, WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';
