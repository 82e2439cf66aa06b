import { type Config, loadConfig } from '../../service/src/config/config.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import type { Logger } from '../../service/src/logger.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { createDemoPortal } from '../../service/src/sandbox/index.js';
import { TUESDAY_AFTERNOON_NY } from './campaign-fixtures.js';
import type { TestDatabase } from './database.js';

/** A sandbox service's config on a test database: any free port, a short shutdown; `env` adds or overrides. */
export function sandboxTestConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SANDBOX: 'true',
    SHUTDOWN_TIMEOUT_SECONDS: '2',
    ...env,
  });
}

/**
 * A whole sandbox service for an end-to-end test: its clock at a Tuesday afternoon in New York (calling hours open
 * for the demo contacts), calls played at 1/100 of real time, and one concurrency cap for both the account and the
 * fake ElevenLabs, so the fake never refuses a dial the engine thought it could place.
 */
export function startSandboxTestService(
  db: TestDatabase,
  options: {
    readonly logger: Logger;
    readonly concurrency: number;
    readonly dispatchIntervalMs: number;
    /** Environment variables on top of sandboxTestConfig's. */
    readonly env?: Record<string, string>;
  },
): Promise<RunningService> {
  return startService({
    config: sandboxTestConfig(db, options.env),
    logger: options.logger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    engineSettings: {
      accountConcurrencyCap: options.concurrency,
      dispatchIntervalMs: options.dispatchIntervalMs,
    },
    sandboxOptions: { concurrencyLimit: options.concurrency },
    sandboxTimeScale: 0.01,
  });
}

/**
 * The first `n` contact ids of the demo portal's 100,000-contact list, paged through the service's own HubSpot
 * client, so a test's campaign dials real records of the fake (dial-time checks, timeline associations).
 */
export async function demoListContactIds(service: RunningService, n: number): Promise<string[]> {
  const sandbox = service.integrations.sandbox;
  if (!sandbox) throw new Error('demoListContactIds needs a sandbox service');
  const hubspot = service.integrations.hubspot.forPortal(sandbox.demoPortal.portalId);
  const big = sandbox.demoPortal.lists.find((l) => l.size === 100_000);
  if (!big) throw new Error('the demo portal has no 100,000-contact list');
  const ids: string[] = [];
  for (let after: string | undefined; ids.length < n; ) {
    const page = await hubspot.getListMembershipsPage(big.listId, after, 250);
    ids.push(...page.recordIds);
    after = page.after ?? undefined;
    if (!after) break;
  }
  return ids.slice(0, n);
}

/**
 * Contact ids of the demo portal's 100,000-contact list that may be called (not do-not-call, consent given),
 * from the `skip`-th member on, read from the demo data itself (no service needed).
 */
export function callableDemoContacts(count: number, skip = 0): string[] {
  const portal = createDemoPortal();
  const list = portal.lists.find((l) => l.size === 100_000);
  if (!list) throw new Error('the demo portal has no 100k list');
  const ids: string[] = [];
  for (let i = skip; ids.length < count; i++) {
    const id = list.memberAt(i).recordId;
    const p = portal.contact(id)?.properties;
    if (p?.fundraising_do_not_call === 'false' && p.ai_call_consent === 'true') ids.push(id);
  }
  return ids;
}
