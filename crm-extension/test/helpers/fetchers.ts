import type { Fetcher, Method } from '../../src/app/lib/api-client.js';
import { SERVICE_URL } from '../../src/app/lib/service-url.js';

/** A request the views made, as the fetcher saw it. */
export interface SeenRequest {
  readonly method: Method;
  /** Path and query on the service, e.g. /api/campaigns?status=active. */
  readonly path: string;
  readonly body: Record<string, unknown> | undefined;
}

type Answer = { status?: number; body: unknown } | ((req: SeenRequest) => { status?: number; body: unknown });

/**
 * A canned `hubspot.fetch` for component tests: `routes` maps "METHOD /path" (the query left out) to an answer or
 * a function of the request; anything else is a 404 in the API's error shape. `seen` lists every request.
 */
export function fakeFetcher(routes: Record<string, Answer>): Fetcher & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetcher = async (url: string, init: { method: Method; body?: Record<string, unknown> }) => {
    const path = url.startsWith(SERVICE_URL) ? url.slice(SERVICE_URL.length) : url;
    const req: SeenRequest = { method: init.method, path, body: init.body };
    seen.push(req);
    const route = routes[`${init.method} ${path.split('?')[0]}`];
    const answer =
      route === undefined
        ? {
            status: 404,
            body: {
              error: { code: 'not_found', message: `no route ${init.method} ${path}` },
              requestId: 'r',
            },
          }
        : typeof route === 'function'
          ? route(req)
          : route;
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return Object.assign(fetcher, { seen });
}

/** The API's error body, for canned error answers. */
export const apiError = (code: string, message: string, field?: string) => ({
  error: { code, message, ...(field ? { field } : {}) },
  requestId: 'test-request',
});
