import { z } from 'zod';
import { parseRetryAfter } from '../core/retry-after.js';

/** A failed HubSpot call, after our retries. status 0 means no response arrived (network failure, timeout). */
export class HubSpotApiError extends Error {
  readonly status: number;
  /** HubSpot's category (VALIDATION_ERROR, OBJECT_NOT_FOUND, ...), its errorType (RATE_LIMIT), or ours (NETWORK_ERROR). */
  readonly category: string;
  readonly correlationId: string | undefined;
  /** From Retry-After, when HubSpot sent one. */
  readonly retryAfterMs: number | undefined;
  /** The limit a 429 hit: TEN_SECONDLY_ROLLING, DAILY, ... */
  readonly policyName: string | undefined;
  /** True when a non-idempotent write may or may not have been applied (5xx, lost connection, timeout). */
  readonly outcomeUnknown: boolean;
  readonly method: string;
  readonly path: string;

  constructor(options: {
    status: number;
    category: string;
    message: string;
    method: string;
    path: string;
    correlationId?: string | undefined;
    retryAfterMs?: number | undefined;
    policyName?: string | undefined;
    outcomeUnknown?: boolean;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'HubSpotApiError';
    this.status = options.status;
    this.category = options.category;
    this.correlationId = options.correlationId;
    this.retryAfterMs = options.retryAfterMs;
    this.policyName = options.policyName;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.method = options.method;
    this.path = options.path;
  }

  /** The same failure, marked as possibly applied (for writes that must not be repeated blindly). */
  withOutcomeUnknown(): HubSpotApiError {
    return new HubSpotApiError({
      status: this.status,
      category: this.category,
      message: this.message,
      method: this.method,
      path: this.path,
      correlationId: this.correlationId,
      retryAfterMs: this.retryAfterMs,
      policyName: this.policyName,
      outcomeUnknown: true,
      cause: this.cause,
    });
  }
}

// Standard error body ({status:"error", message, correlationId, category, ...}); 429s add errorType and policyName.
// OAuth errors put a code in `status` instead (e.g. BAD_REFRESH_TOKEN).
const errorBody = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
});

const MAX_MESSAGE = 500;

export function errorFromResponse(options: {
  status: number;
  headers: Headers;
  bodyText: string;
  method: string;
  path: string;
  nowMs: number;
}): HubSpotApiError {
  let parsed: z.infer<typeof errorBody> = {};
  try {
    const result = errorBody.safeParse(JSON.parse(options.bodyText));
    if (result.success) parsed = result.data;
  } catch {
    // Not JSON (a proxy's HTML 502, an empty body): the status says enough.
  }
  const statusCode = parsed.status !== undefined && parsed.status !== 'error' ? parsed.status : undefined;
  const fallbackMessage =
    options.bodyText.trim() === ''
      ? `HubSpot answered ${options.status}`
      : options.bodyText.trim().slice(0, MAX_MESSAGE);
  return new HubSpotApiError({
    status: options.status,
    category: parsed.category ?? parsed.errorType ?? statusCode ?? `HTTP_${options.status}`,
    message: parsed.message ?? fallbackMessage,
    method: options.method,
    path: options.path,
    correlationId: parsed.correlationId ?? options.headers.get('x-hubspot-correlation-id') ?? undefined,
    retryAfterMs: parseRetryAfter(options.headers.get('retry-after'), options.nowMs) ?? undefined,
    policyName: parsed.policyName,
  });
}

export function networkError(options: {
  method: string;
  path: string;
  cause: unknown;
  timedOut: boolean;
}): HubSpotApiError {
  const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
  return new HubSpotApiError({
    status: 0,
    category: options.timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
    message: options.timedOut ? 'HubSpot did not answer in time' : `HubSpot unreachable: ${reason}`,
    method: options.method,
    path: options.path,
    cause: options.cause,
  });
}
