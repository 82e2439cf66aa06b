import { hostname } from 'node:os';
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import { errorFromResponse, HubSpotApiError, networkError } from './errors.js';
import type { PortalRateLimiter } from './rate-limiter.js';
import { decideRetry, type RetryOptions } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  readonly method: HttpMethod;
  readonly path: string;
  /** The path as logs and errors show it, when the real one carries a secret (the token-info endpoint). */
  readonly redactedPath?: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded (OAuth token endpoint). */
  readonly form?: Readonly<Record<string, string>>;
  /** Statuses that are answers rather than failures, e.g. 404 for "no such list", 409 for "already exists". */
  readonly accept?: readonly number[];
  /** false for writes HubSpot does not deduplicate: a 5xx or lost connection is then not retried. */
  readonly idempotent?: boolean;
}

export interface TransportResponse {
  readonly status: number;
  /** Parsed JSON, or undefined for an empty body (204). */
  readonly body: unknown;
}

export type TransportAuth =
  | { readonly kind: 'bearer'; readonly token: () => Promise<string>; readonly onUnauthorized?: () => void }
  | { readonly kind: 'none' };

export interface TransportOptions {
  readonly baseUrl: string;
  readonly auth: TransportAuth;
  readonly limiter: PortalRateLimiter;
  /** The limiter queue this transport's requests wait in: the portal id, or e.g. "oauth". */
  readonly limiterKey: string | number;
  readonly retry: RetryOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Real time, not the injectable clock: it bounds a stuck socket. */
  readonly requestTimeoutMs: number;
  /** Where requests go out: global fetch, or one that measures them (core/metrics.ts timedFetch). */
  readonly fetch?: typeof fetch;
}

/**
 * Every HubSpot request goes through here: a slot from the portal's limiter, then one fetch (cancelled when it
 * times out), then the retry policy. The raw Response keeps 429 bodies whole; the SDK's typed methods
 * deserialize errors into its Error model and drop policyName, which the retry policy needs.
 */
export class HubSpotTransport {
  constructor(private readonly options: TransportOptions) {}

  async request(spec: TransportRequest): Promise<TransportResponse> {
    const { limiter, limiterKey, retry, clock, logger } = this.options;
    const idempotent = spec.idempotent ?? true;
    for (let attempt = 1; ; attempt++) {
      // A retry goes to the front: it already waited its turn, and must not queue behind a whole backlog again.
      const outcome = await limiter.schedule(limiterKey, () => this.sendOnce(spec), { front: attempt > 1 });
      if (!(outcome instanceof HubSpotApiError)) return outcome;
      const decision = decideRetry(outcome, attempt, retry, idempotent);
      if (!decision.retry) {
        const unknown = !idempotent && (outcome.status === 0 || outcome.status >= 500);
        throw unknown ? outcome.withOutcomeUnknown() : outcome;
      }
      logger.warn(
        {
          queue: limiterKey,
          method: spec.method,
          path: outcome.path,
          status: outcome.status,
          category: outcome.category,
          correlationId: outcome.correlationId,
          attempt,
          delayMs: decision.delayMs,
        },
        `HubSpot call failed (${decision.reason}), retrying`,
      );
      if (decision.pausePortal) limiter.pause(limiterKey, decision.delayMs);
      else await clock.sleep(decision.delayMs);
    }
  }

  /** One attempt. Failures are returned, not thrown, so the caller decides about retrying. */
  private async sendOnce(spec: TransportRequest): Promise<TransportResponse | HubSpotApiError> {
    const path = spec.redactedPath ?? spec.path;
    const { auth } = this.options;
    const headers: Record<string, string> = {
      Accept: 'application/json, */*;q=0.8',
      'User-Agent': USER_AGENT,
    };
    if (auth.kind === 'bearer') headers.Authorization = `Bearer ${await auth.token()}`;
    let body: string | undefined;
    if (spec.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...spec.form }).toString();
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    const url = new URL(`${this.options.baseUrl}${spec.path}`);
    if (spec.query !== undefined) url.search = new URLSearchParams({ ...spec.query }).toString();
    let response: Response;
    let text: string;
    try {
      // The signal cancels the request itself (socket and all), and covers the body too: a response can arrive
      // promptly and then stall mid-body. (The SDK's apiRequest takes no signal, so we send the request ourselves,
      // as it would: same URL, headers and JSON.)
      response = await (this.options.fetch ?? fetch)(url, {
        method: spec.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      return networkError({ method: spec.method, path, cause, timedOut: isTimeout(cause) });
    }
    const ok = (response.status >= 200 && response.status < 300) || spec.accept?.includes(response.status);
    if (!ok) {
      if (response.status === 401 && auth.kind === 'bearer') auth.onUnauthorized?.();
      return errorFromResponse({
        status: response.status,
        headers: response.headers,
        bodyText: text,
        method: spec.method,
        path,
        nowMs: this.options.clock.now(),
      });
    }
    if (text.trim() === '') return { status: response.status, body: undefined };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return new HubSpotApiError({
        status: response.status,
        category: 'INVALID_RESPONSE',
        message: 'HubSpot answered with a body that is not JSON',
        method: spec.method,
        path,
      });
    }
  }
}

/** Reads a response body with a zod schema; a shape we do not understand is an error, not a guess. */
export function parseResponse<T>(
  schema: z.ZodType<T>,
  response: TransportResponse,
  where: { method: HttpMethod; path: string },
): T {
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return invalidResponse(where, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unexpected shape'}`);
}

function invalidResponse(where: { method: HttpMethod; path: string }, detail: string): never {
  throw new HubSpotApiError({
    status: 200,
    category: 'INVALID_RESPONSE',
    message: `unexpected HubSpot response: ${detail}`,
    method: where.method,
    path: where.path,
  });
}

/**
 * Names the process as well as the app: HubSpot's Retry-After is honoured per process (each has its own limiter),
 * so its logs, and the sandbox's fault checks, can tell which process was told to wait and what it sent after.
 */
const USER_AGENT = `ai-voice-fundraising (${hostname()}; pid ${process.pid})`;

/** AbortSignal.timeout() aborts with a TimeoutError; fetch rejects with it, or with it as the cause. */
function isTimeout(error: unknown): boolean {
  const named = (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
  return named(error) || (error instanceof Error && named(error.cause));
}
