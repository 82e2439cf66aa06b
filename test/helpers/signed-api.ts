import type { RunningService } from '../../service/src/runtime.js';
import { type SignedCall, sendSignedCall } from '../../service/src/sandbox/hubspot/signed-calls.js';
import { waitWhileProgressing } from './wait.js';

export type { SignedCall } from '../../service/src/sandbox/hubspot/signed-calls.js';

export interface ApiAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test code reads answers loosely and asserts on them
  readonly body: any;
}

/**
 * Calls a sandbox service's signed API as a HubSpot card in `portalId` would (hubspot.fetch: the proxy adds the
 * caller to the query string and signs v3 with the app's secret). `sign` returns the signed request without
 * sending it, for tests that tamper with it; `send` sends any signed request.
 */
export function signedApi(service: RunningService, portalId: number, userId = 7001) {
  const sandbox = service.integrations.sandbox;
  if (!sandbox) throw new Error('signedApi needs a sandbox service');
  const sign = (method: string, path: string, body?: unknown, timestampMs?: number): SignedCall =>
    sandbox.hubspot.signServiceCall({
      method,
      path,
      ...(body === undefined ? {} : { body }),
      caller: { portalId, userId },
      ...(timestampMs === undefined ? {} : { timestampMs }),
    });
  const send = (call: SignedCall): Promise<ApiAnswer> => sendSignedCall(call);
  return {
    sign,
    send,
    call: (method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
      send(sign(method, path, body)),
    get: (path: string) => send(sign('GET', path)),
    post: (path: string, body?: unknown) => send(sign('POST', path, body ?? {})),
    patch: (path: string, body?: unknown) => send(sign('PATCH', path, body ?? {})),
    put: (path: string, body?: unknown) => send(sign('PUT', path, body ?? {})),
    delete: (path: string) => send(sign('DELETE', path)),
  };
}

/**
 * Row counts of every table of ours (not pg-boss's): a rejected request must leave them all unchanged. Campaigns
 * created earlier keep importing their list in the background; the counts are taken once no import is running,
 * so a comparison sees only what the request under test did.
 */
export async function tableCounts(service: RunningService): Promise<Record<string, number>> {
  await waitForImports(service);
  const tables = await service.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = r.rows[0]?.n ?? 0;
  }
  return counts;
}

/** Waits until no campaign is importing its list (imports write contacts in the background). */
export async function waitForImports(service: RunningService): Promise<void> {
  const importing = async () =>
    (
      await service.pool.query<{ n: number; done: number }>(
        `SELECT count(*)::int AS n, coalesce(sum(import_done), 0)::int AS done FROM campaigns WHERE status = 'importing'`,
      )
    ).rows[0] ?? { n: 0, done: 0 };
  await waitWhileProgressing(
    async () => (await importing()).n === 0,
    async () => JSON.stringify(await importing()),
    { stallMs: 30_000, what: 'campaign imports to finish' },
  );
}
