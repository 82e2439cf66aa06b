import type { CampaignStatus, RetryPolicy } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRow, queryRows, type RowOf } from '../db/statement.js';
import * as q from './queries.js';

/** A campaign as the engine works with it (the row, typed and in domain units). */
export interface Campaign {
  readonly id: string;
  readonly portalId: number;
  readonly name: string;
  readonly listId: string;
  readonly agentId: string;
  readonly phoneNumberId: string;
  readonly phoneProvider: 'twilio' | 'sip_trunk';
  readonly window: {
    readonly days: number[];
    readonly startMinute: number;
    readonly endMinute: number;
    readonly blackoutDates: string[];
  };
  readonly defaultTimeZone: string | null;
  readonly retryPolicy: RetryPolicy;
  readonly maxAttempts: number;
  readonly concurrencyCap: number;
  readonly dailyCap: number;
  readonly dialsPerSecond: number;
  readonly startsAt: Date;
  readonly requireConsent: boolean;
  readonly consentProperty: string;
  readonly dncProperty: string;
  readonly variableProperties: Record<string, string>;
  readonly defaultRegion: string;
  readonly status: CampaignStatus;
  readonly importTotal: number | null;
  readonly importDone: number;
  readonly importAfter: string | null;
  readonly importError: string | null;
  readonly createdAt: Date;
  /** Why the service (not a user) set the status, e.g. "HubSpot access revoked". */
  readonly statusReason: string | null;
  /** The agent's first message for this campaign; null keeps the agent's own. */
  readonly firstMessage: string | null;
  /** The HubSpot user who created it, when created through the signed API. */
  readonly createdByUserId: number | null;
  /** Fed by workflows or call-now: stays active while idle. */
  readonly openForEnrolments: boolean;
}

type CampaignRow = RowOf<typeof q.FIND_CAMPAIGN>;

export function campaignFromRow(row: CampaignRow): Campaign {
  return {
    id: row.id,
    portalId: Number(row.portal_id),
    name: row.name,
    listId: row.hubspot_list_id,
    agentId: row.agent_id,
    phoneNumberId: row.phone_number_id,
    phoneProvider: row.phone_provider,
    window: {
      days: row.calling_days.map(Number),
      startMinute: row.window_start_minute,
      endMinute: row.window_end_minute,
      blackoutDates: row.blackout_dates,
    },
    defaultTimeZone: row.default_time_zone,
    retryPolicy: row.retry_policy,
    maxAttempts: row.max_attempts,
    concurrencyCap: row.concurrency_cap,
    dailyCap: row.daily_cap,
    dialsPerSecond: Number(row.dials_per_second),
    startsAt: row.starts_at,
    requireConsent: row.require_consent,
    consentProperty: row.consent_property,
    dncProperty: row.dnc_property,
    variableProperties: row.variable_properties,
    defaultRegion: row.default_region,
    status: row.status,
    importTotal: row.import_total,
    importDone: row.import_done,
    importAfter: row.import_after,
    importError: row.import_error,
    createdAt: row.created_at,
    statusReason: row.status_reason,
    firstMessage: row.first_message,
    createdByUserId: row.created_by_user_id === null ? null : Number(row.created_by_user_id),
    openForEnrolments: row.open_for_enrolments,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads a campaign of one portal; another portal's campaign id (or a malformed id) finds nothing. */
export async function findCampaign(
  db: Queryable,
  portalId: number,
  campaignId: string,
): Promise<Campaign | null> {
  if (!UUID.test(campaignId)) return null;
  const row = await queryRow(db, q.FIND_CAMPAIGN, [portalId, campaignId]);
  return row ? campaignFromRow(row) : null;
}

/** Same, locking the row for the rest of the transaction (status changes serialise on it). */
export async function lockCampaign(
  db: Queryable,
  portalId: number,
  campaignId: string,
): Promise<Campaign | null> {
  if (!UUID.test(campaignId)) return null;
  const row = await queryRow(db, q.LOCK_CAMPAIGN, [portalId, campaignId]);
  return row ? campaignFromRow(row) : null;
}

/** A page of one portal's campaigns, newest first; `total` counts every campaign matching the filter. */
export async function listCampaigns(
  db: Queryable,
  portalId: number,
  page: { status?: CampaignStatus | undefined; offset: number; limit: number },
): Promise<{ campaigns: Campaign[]; total: number }> {
  const status = page.status ?? null;
  const rows = await queryRows(db, q.LIST_CAMPAIGNS, [portalId, status, page.offset, page.limit]);
  const total = rows[0]?.total ?? (await queryRow(db, q.COUNT_CAMPAIGNS, [portalId, status]))?.n ?? 0;
  return { campaigns: rows.map(campaignFromRow), total };
}
