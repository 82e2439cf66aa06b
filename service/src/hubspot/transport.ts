import { Client } from '@hubspot/api-client';
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
}

/**
 * Every HubSpot request goes through here: a slot from the portal's limiter, then the SDK's apiRequest, then the
 * retry policy. apiRequest returns the raw Response, which keeps 429 bodies whole; the SDK's typed methods
 * deserialize errors into its Error model and drop policyName, which the retry policy needs.
 */
export class HubSpotTransport {
  private sdk: { token: string | undefined; client: Client } | undefined;

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
    const client = await this.client();
    const headers: Record<string, string> = {};
    let body: unknown;
    if (spec.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...spec.form }).toString();
    } else if (spec.json !== undefined) {
      body = spec.json;
    }
    let response: Response;
    let text: string;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeout()), this.options.requestTimeoutMs);
      });
      // The timeout covers the body too: a response can arrive promptly and then stall mid-body.
      const exchange = (async () => {
        const res = await client.apiRequest({
          method: spec.method,
          path: spec.path,
          ...(spec.query === undefined ? {} : { qs: { ...spec.query } }),
          ...(body === undefined ? {} : { body }),
          headers,
          defaultJson: spec.form === undefined,
        });
        return { res, text: await res.text() };
      })();
      // After a timeout nobody awaits the exchange any more; its late failure must not become unhandled.
      exchange.catch(() => {});
      ({ res: response, text } = await Promise.race([exchange, timeout]));
    } catch (cause) {
      return networkError({ method: spec.method, path, cause, timedOut: cause instanceof RequestTimeout });
    } finally {
      clearTimeout(timer);
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

  /**
   * One SDK Client per token, replaced when the token changes (OAuth refresh). Constructed with no limiter and
   * no retry options on purpose: those are process-wide in the SDK, and the last Client built would impose
   * its settings on every portal.
   */
  private async client(): Promise<Client> {
    const token = this.options.auth.kind === 'bearer' ? await this.options.auth.token() : undefined;
    if (this.sdk === undefined || this.sdk.token !== token) {
      const client = new Client({
        basePath: this.options.baseUrl,
        ...(token === undefined ? {} : { accessToken: token }),
      });
      this.sdk = { token, client };
    }
    return this.sdk.client;
  }
}

class RequestTimeout extends Error {
  constructor() {
    super('request timed out');
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
