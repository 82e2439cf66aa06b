import type { z } from 'zod';
import { type ApiError, apiErrorSchema } from './shared.js';

/**
 * All of the extension's I/O goes through here: one typed call per API route, over an injected fetcher
 * (`hubspot.fetch` in HubSpot, a fake or the real sandbox service in tests). HubSpot's proxy signs each request and
 * adds the portal and user to its query string; the extension never sends credentials of its own.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The shape of `hubspot.fetch`: a URL, a method and a JSON body object; a Response back. */
export type Fetcher = (
  url: string,
  init: { method: Method; body?: Record<string, unknown>; timeout?: number },
) => Promise<Response>;

/** What went wrong, as the API said it: shown in HubSpot's alert, and on the field it names (400). */
export class ApiCallError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, error: ApiError['error'] | { code: string; message: string; field?: string }) {
    super(error.message);
    this.name = 'ApiCallError';
    this.status = status;
    this.code = error.code;
    this.field = error.field;
  }
}

export interface ApiClient {
  /** Calls `path` (e.g. `/api/campaigns?status=active`) and checks the answer against `schema`. */
  call<T extends z.ZodType>(
    schema: T,
    method: Method,
    path: string,
    body?: Record<string, unknown>,
  ): Promise<z.output<T>>;
  /** The absolute URL of a path on the service (e.g. for a link the card opens). */
  url(path: string): string;
}

/** Requests that may run long (a campaign's first import page, a CSV) get HubSpot's maximum. */
const TIMEOUT_MS = 30_000;

export function createApiClient(fetcher: Fetcher, serviceUrl: string): ApiClient {
  const base = serviceUrl.replace(/\/+$/, '');
  return {
    url: (path) => `${base}${path}`,
    async call(schema, method, path, body) {
      let response: Response;
      try {
        response = await fetcher(`${base}${path}`, {
          method,
          ...(body === undefined ? {} : { body }),
          timeout: TIMEOUT_MS,
        });
      } catch (error) {
        throw new ApiCallError(0, {
          code: 'unreachable',
          message: `The fundraising service could not be reached (${error instanceof Error ? error.message : 'network error'}).`,
        });
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const parsed = apiErrorSchema.safeParse(json);
        throw new ApiCallError(
          response.status,
          parsed.success
            ? parsed.data.error
            : { code: 'http_error', message: `The service answered ${response.status}.` },
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new ApiCallError(response.status, {
          code: 'unexpected_answer',
          message: `The service's answer to ${method} ${path.split('?')[0]} was not understood.`,
        });
      }
      return parsed.data;
    },
  };
}
