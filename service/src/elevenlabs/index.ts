export { createElevenLabsClient, type ElevenLabsClientOptions } from './client.js';
export {
  CALL_RESULTS,
  CONVERSATION_STATUSES,
  type Conversation,
  type ConversationStatus,
  type ConversationWire,
  conversationAttemptId,
  conversationSchema,
  EVALUATION_RESULTS,
  type EvaluationResult,
  type PhoneCall,
} from './conversation-schema.js';
export { DEFAULT_RINGING_TIMEOUT_SECS, MIN_RINGING_TIMEOUT_SECS } from './dial.js';
export { ElevenLabsApiError, type ElevenLabsFailure } from './errors.js';
export type {
  Agent,
  AgentDetails,
  ConversationListQuery,
  ConversationPage,
  ConversationSummary,
  DialProvider,
  DialResult,
  ElevenLabsApi,
  OutboundCallRequest,
  PhoneNumber,
  PhoneProvider,
  Voice,
} from './types.js';
export { dialProviderOf } from './types.js';
export {
  type CallFailureReason,
  type CallInitiationFailure,
  callInitiationFailureSchema,
  type ElevenLabsWebhookEvent,
  FAILURE_REASONS,
  type ParsedWebhook,
  type PostCallAudio,
  parseElevenLabsWebhook,
  postCallAudioSchema,
} from './webhook-schemas.js';
export {
  beginSignatureCheck,
  MAX_SIGNATURE_AGE_MS,
  MAX_SIGNATURE_FUTURE_MS,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignatureStart,
  signElevenLabsPayload,
  verifyElevenLabsSignature,
} from './webhook-signature.js';
