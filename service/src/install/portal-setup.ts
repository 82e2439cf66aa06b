import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { bossDb, type ServiceDeps } from '../core/deps.js';
import type { Queryable } from '../db/pool.js';
import { execute, queryRow } from '../db/statement.js';
import { defineKeyedRetryQueue } from '../jobs/queue-definition.js';
import { ensureCrmSetup } from '../writeback/index.js';
import * as q from './queries.js';

const portalSetupJob = z.object({ portalId: z.number().int().positive() });
export type PortalSetupJob = z.infer<typeof portalSetupJob>;

/**
 * First-time setup of an installed portal. 'stately' per portal: a reinstall while one waits adds nothing.
 * Retries back off up to 10 minutes (a missing scope or a HubSpot outage gets fixed meanwhile), about an hour in all;
 * a setup that kept failing waits in `portal-setup-dead` for ops, and the first write-back retries it too.
 */
export const { queue: PORTAL_SETUP_QUEUE, deadLetter: PORTAL_SETUP_DEAD_QUEUE } = defineKeyedRetryQueue(
  'portal-setup',
  portalSetupJob,
  { retryDelay: 10, retryDelayMax: 600, expireInSeconds: 600 },
);

/** Queues the setup inside the install's transaction: the portal is stored with its setup owed, or not at all. */
export async function enqueuePortalSetup(boss: PgBoss, tx: Queryable, portalId: number): Promise<void> {
  const data = portalSetupJob.parse({ portalId });
  await boss.send(PORTAL_SETUP_QUEUE.name, data, { singletonKey: String(portalId), db: bossDb(tx) });
}

/**
 * Whether write-back can send app events to a portal: it needs an event type HubSpot approved for the app
 * (portals.app_events_event_type, set by ops) and the optional `timeline` scope granted at install. Nothing at
 * HubSpot lists approved types per portal that we could check against (nor does the sandbox fake), so this is
 * what the setup can say about app events.
 */
export type AppEventsState = 'on' | 'off' | 'scope_missing';

export function appEventsState(
  eventType: string | null,
  grantedScopes: readonly string[] | null,
): AppEventsState {
  if (eventType === null) return 'off';
  // Portals not installed through OAuth (private app, sandbox) have no stored scopes: their token decides.
  if (grantedScopes !== null && !grantedScopes.includes('timeline')) return 'scope_missing';
  return 'on';
}

export type PortalSetupResult =
  | { readonly portalId: number; readonly done: false; readonly reason: string }
  | { readonly portalId: number; readonly done: true; readonly appEvents: AppEventsState };

/**
 * Creates the app's property group and properties in the portal (existing ones are left alone) and records when.
 * Idempotent, so a reinstall runs it again (a property deleted since comes back). A portal disconnected meanwhile
 * is skipped: its next install queues the setup again.
 */
export async function setUpPortal(
  deps: Pick<ServiceDeps, 'pool' | 'hubspot' | 'logger' | 'clock'>,
  portalId: number,
): Promise<PortalSetupResult> {
  const logger = deps.logger.child({ portalId, job: PORTAL_SETUP_QUEUE.name });
  const portal = await queryRow(deps.pool, q.PORTAL_FOR_SETUP, [portalId]);
  if (portal === undefined || portal.status !== 'connected') {
    const reason = portal === undefined ? 'unknown portal' : `portal is ${portal.status}`;
    logger.warn({ reason }, 'portal setup skipped');
    return { portalId, done: false, reason };
  }
  await ensureCrmSetup(deps.hubspot.forPortal(portalId), logger);
  await execute(deps.pool, q.MARK_SET_UP, [portalId, new Date(deps.clock.now())]);
  const appEvents = appEventsState(portal.app_events_event_type, portal.scopes);
  if (appEvents === 'scope_missing')
    logger.warn(
      'app events are configured but the install did not grant the timeline scope: none will be sent',
    );
  logger.info({ appEvents }, 'portal set up');
  return { portalId, done: true, appEvents };
}
