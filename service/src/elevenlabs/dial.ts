import { type ElevenLabs, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import { parseRetryAfter } from '../core/retry-after.js';
import { readApiError, transportFailure } from './errors.js';
import type { DialResult, OutboundCallRequest } from './types.js';

/**
 * The dial, both ways: our request into the SDK's, and whatever came back (an answer or an error) into a
 * DialResult. The line that matters is between "not placed" (rejected, at-capacity: safe to redial later) and
 * "unknown" (the call may be ringing right now: reconcile first).
 */

export const DEFAULT_RINGING_TIMEOUT_SECS = 30;
export const MIN_RINGING_TIMEOUT_SECS = 15;
const E164 = /^\+[1-9]\d{6,14}$/;

type SdkDialBody =
  ElevenLabs.conversationalAi.BodyHandleAnOutboundCallViaSipTrunkV1ConvaiSipTrunkOutboundCallPost;

/** Throws RangeError on a request that must never reach the API; nothing has been sent then. */
export function buildDialBody(req: OutboundCallRequest): SdkDialBody {
  const ringingTimeoutSecs = req.ringingTimeoutSecs ?? DEFAULT_RINGING_TIMEOUT_SECS;
  if (!Number.isFinite(ringingTimeoutSecs) || ringingTimeoutSecs < MIN_RINGING_TIMEOUT_SECS) {
    throw new RangeError(`ringingTimeoutSecs must be at least ${MIN_RINGING_TIMEOUT_SECS}`);
  }
  if (!E164.test(req.toNumber)) throw new RangeError('toNumber must be an E.164 number');
  if (req.userId === '') throw new RangeError('userId (the attempt id) is required');
  return {
    agentId: req.agentId,
    agentPhoneNumberId: req.phoneNumberId,
    toNumber: req.toNumber,
    conversationInitiationClientData: {
      userId: req.userId,
      // attempt_id last: a caller's variable of that name must not hide ours.
      dynamicVariables: { ...req.dynamicVariables, attempt_id: req.userId },
      // Only when the campaign has one: an override the agent does not allow fails the whole call.
      ...(req.firstMessage
        ? { conversationConfigOverride: { agent: { firstMessage: req.firstMessage } } }
        : {}),
    },
    telephonyCallConfig: { ringingTimeoutSecs },
  };
}

export function dialResultFromAnswer(
  answer: {
    success: boolean;
    message: string;
    conversationId?: string;
    callSid?: string;
    sipCallId?: string;
  },
  provider: OutboundCallRequest['provider'],
): DialResult {
  // success:false on a 200 is how the API has been seen to refuse a call it cannot start right now.
  if (!answer.success)
    return { kind: 'at-capacity', retryAfterMs: null, code: null, message: answer.message };
  if (answer.conversationId === undefined || answer.conversationId === '') {
    return { kind: 'unknown', reason: 'ElevenLabs reported success without a conversation id' };
  }
  return {
    kind: 'placed',
    conversationId: answer.conversationId,
    callSid: provider === 'twilio' ? (answer.callSid ?? null) : null,
    sipCallId: provider === 'sip_trunk' ? (answer.sipCallId ?? null) : null,
  };
}

export function dialResultFromError(error: unknown, nowMs: number, timeoutSeconds: number): DialResult {
  if (!(error instanceof ElevenLabsError)) {
    // The SDK's ParseError on a 2xx body it cannot read: the request was accepted, so the call may exist.
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: 'unknown', reason: `unreadable answer: ${detail.split('\n')[0]}` };
  }
  const status = error.statusCode;
  if (status === undefined) {
    const { failure, detail } = transportFailure(
      error instanceof ElevenLabsTimeoutError ? 'timeout' : (error.cause ?? error),
    );
    return failure === 'timeout'
      ? { kind: 'unknown', reason: `no answer within ${timeoutSeconds}s` }
      : { kind: 'unknown', reason: `network error: ${detail}` };
  }
  const { message, code } = readApiError(error.body, status);
  if (status === 429) {
    const retryAfter = error.rawResponse?.headers.get('retry-after');
    return { kind: 'at-capacity', retryAfterMs: parseRetryAfter(retryAfter, nowMs), code, message };
  }
  // 408 is a timeout somewhere on the way: as unsure as a 5xx.
  if (status >= 500 || status === 408) return { kind: 'unknown', reason: `HTTP ${status}: ${message}` };
  if (status >= 400) return { kind: 'rejected', status, code, message };
  return { kind: 'unknown', reason: `unreadable answer (HTTP ${status})` };
}
