import type { SkipReason } from '@fundraising/shared';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../../test/helpers/database.js';
import { resolveContactZones } from '../../../src/calling-window/index.js';
import type { ImportDeps } from '../../../src/campaigns/import/index.js';
import type { Queryable } from '../../../src/db/pool.js';
import {
  createHubSpotClients,
  type HubSpotClients,
  type HubSpotPortalClient,
} from '../../../src/hubspot/index.js';
import {
  createDemoPortal,
  DEMO_PORTAL_ID,
  type DemoList,
  type FakeHubSpot,
  sandboxAccessToken,
  startFakeHubSpot,
} from '../../../src/sandbox/index.js';

/**
 * A real database and the sandbox's fake HubSpot (demo portal) reached through the production HubSpot client,
 * with the portal and campaign rows the import needs.
 */

export const demoPortal = createDemoPortal();
export const PORTAL_ID = DEMO_PORTAL_ID;

export function demoList(size: number): DemoList {
  const list = demoPortal.lists.find((l) => l.size === size);
  if (!list) throw new Error(`the demo portal has no list of ${size}`);
  return list;
}

export interface ImportHarness {
  readonly db: TestDatabase;
  readonly fake: FakeHubSpot;
  readonly clients: HubSpotClients;
  /** Import deps; `wrap` lets a test stand between the import and the real client. */
  deps(options?: {
    wrap?: (client: HubSpotPortalClient) => HubSpotPortalClient;
    pageSize?: number;
  }): ImportDeps;
  stop(): Promise<void>;
}

export async function startImportHarness(
  options: { fakeRateLimit?: { max: number; windowMs: number } | false; clientLimit?: number } = {},
): Promise<ImportHarness> {
  const db = await createTestDatabase();
  const fake = await startFakeHubSpot({
    clientId: 'cid',
    clientSecret: 'csecret',
    portals: [demoPortal],
    rateLimit: options.fakeRateLimit ?? false,
    logger: silentLogger,
  });
  const clients = createHubSpotClients({
    baseUrl: fake.url,
    tokens: { getAccessToken: async (portalId) => sandboxAccessToken(portalId) },
    logger: silentLogger,
    ...(options.clientLimit === undefined ? {} : { limits: { maxRequests: options.clientLimit } }),
  });
  await insertPortal(db.pool, PORTAL_ID);
  return {
    db,
    fake,
    clients,
    deps: ({ wrap, pageSize } = {}) => ({
      pool: db.pool,
      logger: silentLogger,
      hubspot: { forPortal: (id) => (wrap ? wrap(clients.forPortal(id)) : clients.forPortal(id)) },
      ...(pageSize === undefined ? {} : { pageSize }),
    }),
    stop: async () => {
      await fake.stop();
      await db.drop();
    },
  };
}

export async function insertPortal(db: Queryable, portalId: number): Promise<void> {
  await db.query(
    `INSERT INTO portals (portal_id, name, auth_kind) VALUES ($1, 'Riverside Food Bank (sandbox)', 'sandbox')
     ON CONFLICT DO NOTHING`,
    [portalId],
  );
}

export interface CampaignSeed {
  readonly listId: string;
  readonly status?: string;
  readonly requireConsent?: boolean;
  readonly defaultTimeZone?: string | null;
  readonly portalId?: number;
}

/** A campaign row as the create use case leaves it once the import is queued (status 'importing'). */
export async function insertCampaign(db: Queryable, seed: CampaignSeed): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO campaigns (portal_id, name, hubspot_list_id, agent_id, phone_number_id, phone_provider,
       calling_days, window_start_minute, window_end_minute, default_time_zone, retry_policy, max_attempts,
       concurrency_cap, daily_cap, require_consent, status, variable_properties)
     VALUES ($1, 'Spring appeal', $2, 'agent_sbx', 'phnum_sbx', 'twilio', '{1,2,3,4,5}', 600, 1140, $3, '{}', 3,
       5, 500, $4, $5, '{"first_name":"firstname","last_gift_amount":"last_gift_amount"}')
     RETURNING id`,
    [
      seed.portalId ?? PORTAL_ID,
      seed.listId,
      seed.defaultTimeZone ?? null,
      seed.requireConsent ?? true,
      seed.status ?? 'importing',
    ],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('campaign insert returned no id');
  return id;
}

export interface CampaignProgress {
  readonly status: string;
  readonly import_done: number;
  readonly import_total: number | null;
  readonly import_after: string | null;
  readonly import_error: string | null;
}

export async function progressOf(db: Queryable, campaignId: string): Promise<CampaignProgress> {
  const { rows } = await db.query<CampaignProgress>(
    'SELECT status, import_done, import_total, import_after, import_error FROM campaigns WHERE id = $1',
    [campaignId],
  );
  if (!rows[0]) throw new Error(`no campaign ${campaignId}`);
  return rows[0];
}

/** Row counts by outcome: 'imported', or the skip reason. */
export async function countsOf(db: Queryable, campaignId: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ outcome: string; n: number }>(
    `SELECT COALESCE(skip_reason, state) AS outcome, count(*) AS n FROM campaign_contacts
     WHERE campaign_id = $1 GROUP BY 1`,
    [campaignId],
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

export interface ContactRow {
  readonly contact_id: string;
  readonly portal_id: number;
  readonly phone_e164: string | null;
  readonly state: string;
  readonly skip_reason: string | null;
}

export async function rowsOf(db: Queryable, campaignId: string): Promise<ContactRow[]> {
  const { rows } = await db.query<ContactRow>(
    `SELECT contact_id, portal_id, phone_e164, state, skip_reason FROM campaign_contacts
     WHERE campaign_id = $1 ORDER BY contact_id`,
    [campaignId],
  );
  return rows;
}

/**
 * What importing a demo list should give, worked out from the demo portal's own contacts with plain rules (not
 * through the import's code): the first number that parses, the do-not-call flag or the portal's suppression
 * list, the consent flag, a zone from hs_timezone or the number, then one callable contact per number.
 */
export async function expectedCounts(
  list: DemoList,
  suppressedPhones: ReadonlySet<string> = new Set(),
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const callable = new Set<string>();
  const e164 = (p: Record<string, string | null>) =>
    [p.phone, p.mobilephone]
      .filter((v): v is string => (v ?? '').trim() !== '')
      .map((v) => parsePhoneNumberFromString(v, 'US'))
      .find((parsed) => parsed?.isValid())?.number;
  // A number whose contact is flagged do-not-call is on the portal's list for every record that has it.
  const flagged = new Set<string>();
  for (let i = 0; i < list.size; i++) {
    const p = demoPortal.contact(list.memberAt(i).recordId)?.properties;
    const phone = p ? e164(p) : undefined;
    if (p?.fundraising_do_not_call === 'true' && phone !== undefined) flagged.add(phone);
  }
  for (let i = 0; i < list.size; i++) {
    const p = demoPortal.contact(list.memberAt(i).recordId)?.properties;
    if (!p) continue;
    const written = [p.phone, p.mobilephone].filter((v): v is string => (v ?? '').trim() !== '');
    const phone = written
      .map((v) => parsePhoneNumberFromString(v, 'US'))
      .find((parsed) => parsed?.isValid())?.number;
    const { source } = await resolveContactZones({ hsTimezone: p.hs_timezone ?? null, e164: phone ?? null });
    let outcome: SkipReason | 'imported' = 'imported';
    if (written.length === 0) outcome = 'no_phone';
    else if (phone === undefined) outcome = 'invalid_phone';
    else if (p.fundraising_do_not_call === 'true' || suppressedPhones.has(phone) || flagged.has(phone))
      outcome = 'suppressed';
    else if (p.ai_call_consent !== 'true') outcome = 'no_consent';
    else if (source === 'none') outcome = 'no_time_zone';
    else if (callable.has(phone)) outcome = 'duplicate_phone';
    if (outcome === 'imported' && phone !== undefined) callable.add(phone);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** The phones of the first `count` demo-list contacts that would be imported, to put on the suppression list. */
export function callablePhones(list: DemoList, count: number, condition: (i: number) => boolean): string[] {
  const phones: string[] = [];
  for (let i = 0; i < list.size && phones.length < count; i++) {
    if (!condition(i)) continue;
    const p = demoPortal.contact(list.memberAt(i).recordId)?.properties;
    const parsed = p?.phone ? parsePhoneNumberFromString(p.phone, 'US') : undefined;
    if (parsed?.isValid()) phones.push(parsed.number);
  }
  return phones;
}

/** Requests the fake HubSpot received for a list's import, from a point in its record on. */
export function importRequests(fake: FakeHubSpot, listId: string, since = 0) {
  const requests = fake.record.requests.slice(since);
  return {
    memberships: requests.filter((r) => r.path === `/crm/v3/lists/${listId}/memberships`).length,
    batchReads: requests.filter((r) => r.path === '/crm/v3/objects/contacts/batch/read').length,
    rateLimited: requests.filter((r) => r.status === 429).length,
    total: requests.length,
  };
}

/** A client that throws once, on the nth call of one method, and otherwise is the real one. */
export function failOnce(
  method: 'getListMembershipsPage' | 'batchReadContacts',
  nth: number,
): (client: HubSpotPortalClient) => HubSpotPortalClient {
  let calls = 0;
  return (client) => ({
    ...client,
    [method]: (...args: unknown[]) => {
      calls += 1;
      if (calls === nth) return Promise.reject(new Error(`HubSpot answered 502 on ${method} call ${nth}`));
      return (client[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  });
}
