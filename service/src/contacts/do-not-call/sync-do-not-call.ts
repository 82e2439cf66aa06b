import type { ServiceDeps } from '../../core/deps.js';
import { execute, queryRow } from '../../db/statement.js';
import { HubSpotApiError, type HubSpotPortalClient } from '../../hubspot/index.js';
import { ensureCrmSetup } from '../../writeback/index.js';
import * as q from '../queries.js';
import type { DoNotCallSyncJob } from './sync-queue.js';

export type SyncResult = 'nothing_to_do' | 'written' | 'refused';

/**
 * The contact-dnc-sync job: writes the contact's latest do-not-call decision to its HubSpot properties ('true' or
 * 'false'). It reads the decision when it runs, so jobs running late or out of order still write the latest one,
 * and marks synced only the version it wrote. HubSpot refusing for good (contact deleted, property missing, a
 * 4xx) marks the row failed with HubSpot's message; anything else (429, 5xx, no answer) is thrown for pg-boss to
 * retry, the row saying why it waits. Writing the same value twice is harmless, so a retry after a lost answer is
 * safe.
 */
export async function syncContactDoNotCall(deps: ServiceDeps, job: DoNotCallSyncJob): Promise<SyncResult> {
  const { portalId, contactId } = job;
  const row = await queryRow(deps.pool, q.LOAD_DNC, [portalId, contactId]);
  if (row?.sync_status !== 'pending') return 'nothing_to_do';
  const client = deps.hubspot.forPortal(portalId);
  const value = row.do_not_call ? 'true' : 'false';
  const log = deps.logger.child({ portalId, contactId, version: row.version });
  try {
    await ensurePortalSetUp(deps, client, portalId);
    const result = await client.batchUpdateContacts([
      { id: contactId, properties: Object.fromEntries(row.properties.map((p) => [p, value])) },
    ]);
    if (result.updated.includes(contactId)) {
      await execute(deps.pool, q.MARK_DNC_SYNCED, [
        portalId,
        contactId,
        row.version,
        new Date(deps.clock.now()),
      ]);
      log.info({ properties: row.properties, value }, 'do-not-call written to HubSpot');
      return 'written';
    }
    const refusal = result.errors.map((e) => e.message).join('; ');
    if (refusal !== '') return await refused(deps, job, row.version, `HubSpot: ${refusal}`);
    throw new Error('HubSpot did not confirm the do-not-call update');
  } catch (error) {
    if (isRefusal(error)) return await refused(deps, job, row.version, `HubSpot: ${error.message}`);
    const message = error instanceof Error ? error.message : String(error);
    await execute(deps.pool, q.NOTE_DNC_SYNC_ERROR, [
      portalId,
      contactId,
      row.version,
      message.slice(0, 500),
    ]);
    log.warn({ err: error }, 'do-not-call not written to HubSpot yet: retrying');
    throw error;
  }
}

async function refused(deps: ServiceDeps, job: DoNotCallSyncJob, version: number, error: string) {
  await execute(deps.pool, q.MARK_DNC_REFUSED, [job.portalId, job.contactId, version, error.slice(0, 500)]);
  deps.logger.warn({ ...job, version, error }, 'HubSpot refused the do-not-call update');
  return 'refused' as const;
}

/** A 4xx HubSpot will answer the same way next time. 401 (a token to refresh) and 429 are worth retrying. */
function isRefusal(error: unknown): error is HubSpotApiError {
  return (
    error instanceof HubSpotApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 429
  );
}

/** The default do-not-call property is the app's own: created once per portal (as the write-back does). */
async function ensurePortalSetUp(deps: ServiceDeps, client: HubSpotPortalClient, portalId: number) {
  const portal = await queryRow(deps.pool, q.PORTAL_CRM_SETUP, [portalId]);
  if (!portal || portal.crm_setup_at !== null) return;
  await ensureCrmSetup(client, deps.logger);
  await execute(deps.pool, q.MARK_PORTAL_CRM_SET_UP, [portalId, new Date(deps.clock.now())]);
}
