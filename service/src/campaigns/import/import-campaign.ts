import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { bossDb } from '../../core/deps.js';
import type { Pool, Queryable } from '../../db/pool.js';
import { execute } from '../../db/statement.js';
import { BATCH_LIMIT, type HubSpotPortalClient, MEMBERSHIPS_PAGE_LIMIT } from '../../hubspot/index.js';
import { defineQueue, defineWorker, type Worker } from '../../jobs/queue-definition.js';
import type { Logger } from '../../logger.js';
import { findCampaign } from '../campaign-model.js';
import { writePage } from './import-page.js';
import {
  contactPropertiesFor,
  type ImportSettings,
  type NormalizedContact,
  normalizeContact,
} from './normalize-contact.js';
import * as q from './queries.js';

/**
 * The campaign-import job: streams a HubSpot list into campaign_contacts, one memberships page per transaction.
 *
 * Requests are the minimum: every memberships page once, and contacts read 100 at a time across page boundaries
 * (a page of 250 leaves 50 that are read together with the next page's first 50), so n members cost
 * ceil(n/100) batch reads. A page is written once all its members are read; at most one page is fetched ahead,
 * so memory holds about two pages whatever the list's size. Whatever was fetched ahead and not written is simply
 * fetched again by a retry, which starts from the committed cursor.
 */

export interface ImportDeps {
  readonly pool: Pool;
  readonly hubspot: { forPortal(portalId: number): HubSpotPortalClient };
  readonly logger: Logger;
  /** Members per memberships page: HubSpot's maximum (250) unless a test wants more, smaller pages. */
  readonly pageSize?: number;
}

export const importJobSchema = z.object({
  portalId: z.number().int().positive(),
  campaignId: z.uuid(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

export interface ImportResult {
  /** completed: the campaign is 'ready'; stopped: it is not (or no longer) importing; superseded: another run owns it. */
  readonly outcome: 'completed' | 'stopped' | 'superseded' | 'not_found';
  readonly pagesWritten: number;
  readonly contactsInserted: number;
}

interface PendingPage {
  readonly from: string | null;
  readonly next: string | null;
  readonly total: number | null;
  readonly memberCount: number;
  /** Members not read yet. */
  remaining: number;
  readonly contacts: NormalizedContact[];
}

interface Member {
  readonly id: string;
  readonly page: PendingPage;
}

/** Reads one chunk of members and files each contact under its page, in list order. */
async function readMembers(
  client: HubSpotPortalClient,
  members: readonly Member[],
  properties: readonly string[],
  settings: ImportSettings,
): Promise<void> {
  const { contacts } = await client.batchReadContacts([...new Set(members.map((m) => m.id))], properties);
  const byId = new Map(contacts.map((c) => [c.id, c.properties]));
  for (const member of members) {
    member.page.remaining -= 1;
    const found = byId.get(member.id);
    // A member HubSpot no longer has (deleted, merged away) is not imported; it still counts as done.
    if (found !== undefined) member.page.contacts.push(await normalizeContact(member.id, found, settings));
  }
}

async function runImport(deps: ImportDeps, job: ImportJob, log: Logger): Promise<ImportResult> {
  const result = { pagesWritten: 0, contactsInserted: 0 };
  const campaign = await findCampaign(deps.pool, job.portalId, job.campaignId);
  if (campaign === null) {
    log.warn('campaign to import not found');
    return { outcome: 'not_found', ...result };
  }
  if (campaign.status !== 'importing') {
    log.info({ status: campaign.status }, 'campaign is not importing; nothing to do');
    return { outcome: 'stopped', ...result };
  }
  const client = deps.hubspot.forPortal(job.portalId);
  const properties = contactPropertiesFor(campaign);
  const pageSize = deps.pageSize ?? MEMBERSHIPS_PAGE_LIMIT;

  const pages: PendingPage[] = []; // fetched, not yet written, in list order
  const unread: Member[] = [];
  let cursor = campaign.importAfter;
  let listEnded = false;

  for (;;) {
    while (pages[0] !== undefined && pages[0].remaining === 0) {
      const page = pages.shift() as PendingPage;
      const outcome = await writePage(deps.pool, job.portalId, job.campaignId, page);
      if (outcome.kind !== 'written') {
        log.info({ outcome }, 'import stopped before the end of the list');
        return { outcome: outcome.kind, ...result };
      }
      result.pagesWritten += 1;
      result.contactsInserted += outcome.inserted;
      log.debug({ members: page.memberCount, ...outcome }, 'import page written');
      if (outcome.finished) {
        log.info(result, 'campaign import finished; campaign ready');
        return { outcome: 'completed', ...result };
      }
    }
    if (unread.length >= BATCH_LIMIT || (listEnded && unread.length > 0)) {
      await readMembers(client, unread.splice(0, BATCH_LIMIT), properties, campaign);
      continue;
    }
    if (listEnded) throw new Error('import: the list ended with pages left unwritten');
    const from = cursor;
    const fetched = await client.getListMembershipsPage(campaign.listId, from ?? undefined, pageSize);
    // A cursor that does not move would page forever.
    if (fetched.after !== null && fetched.after === from)
      throw new Error('HubSpot returned the same memberships cursor twice');
    const page: PendingPage = {
      from,
      next: fetched.after,
      total: fetched.total,
      memberCount: fetched.recordIds.length,
      remaining: fetched.recordIds.length,
      contacts: [],
    };
    pages.push(page);
    for (const id of fetched.recordIds) unread.push({ id, page });
    cursor = fetched.after;
    listEnded = fetched.after === null;
  }
}

/**
 * The job handler. A failure is recorded in campaigns.import_error and thrown, so pg-boss retries; the retry
 * resumes after the last committed page.
 */
export async function importCampaign(deps: ImportDeps, job: ImportJob): Promise<ImportResult> {
  const log = deps.logger.child({
    job: 'campaign-import',
    portalId: job.portalId,
    campaignId: job.campaignId,
  });
  try {
    return await runImport(deps, job, log);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    await execute(deps.pool, q.RECORD_IMPORT_ERROR, [job.portalId, job.campaignId, message]).catch(
      (err: unknown) => log.error({ err }, 'could not record the import error'),
    );
    log.warn({ err: error }, 'campaign import failed; a retry resumes from the last written page');
    throw error;
  }
}

/** One import per campaign at a time: 'exclusive' allows a single queued-or-active job per singletonKey. */
export const importQueue = defineQueue('campaign-import', importJobSchema, {
  policy: 'exclusive',
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  expireInSeconds: 3600,
});

export function importWorker(deps: ImportDeps): Worker {
  return defineWorker({
    queue: importQueue,
    options: { pollingIntervalSeconds: 2 },
    handle: (data) => importCampaign(deps, data),
  });
}

/**
 * Queues the import. Given a transaction's client, the job commits (or rolls back) with the caller's own writes,
 * e.g. the status change to 'importing'. Null when an import of this campaign is already queued or running.
 */
export function enqueueImport(
  boss: Pick<PgBoss, 'send'>,
  db: Queryable | null,
  job: ImportJob,
): Promise<string | null> {
  const data = importJobSchema.parse(job);
  return boss.send(importQueue.name, data, {
    singletonKey: data.campaignId,
    ...(db === null ? {} : { db: bossDb(db) }),
  });
}
