import type { RunningService } from '../../../service/src/runtime.js';
import type { Fetcher, Method } from '../../src/app/lib/api-client.js';
import { SERVICE_URL } from '../../src/app/lib/service-url.js';

/**
 * `hubspot.fetch` as HubSpot's proxy does it, against a real sandbox service: the view's request goes to the
 * service, signed v3 with the app's secret, with the card's caller (portal, user) added to the query string. A
 * contract test renders a view with this instead of canned JSON, so the extension and the API cannot drift apart.
 */
export function contractFetcher(
  service: RunningService,
  caller: { portalId: number; userId?: number },
): Fetcher & { seen: { method: Method; path: string; status: number }[] } {
  const sandbox = service.integrations.sandbox;
  if (!sandbox) throw new Error('contractFetcher needs a sandbox service');
  const seen: { method: Method; path: string; status: number }[] = [];
  const fetcher = async (url: string, init: { method: Method; body?: Record<string, unknown> }) => {
    if (!url.startsWith(SERVICE_URL)) throw new Error(`the view called ${url}, not the service`);
    const path = url.slice(SERVICE_URL.length);
    const answer = await sandbox.hubspot.callService({
      method: init.method,
      path,
      ...(init.body === undefined ? {} : { body: init.body }),
      caller: { portalId: caller.portalId, userId: caller.userId ?? 7001 },
    });
    seen.push({ method: init.method, path, status: answer.status });
    return new Response(answer.body === null ? '' : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return Object.assign(fetcher, { seen });
}
