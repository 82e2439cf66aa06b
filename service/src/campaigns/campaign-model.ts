import type { CampaignStatus, RetryPolicy } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';

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
}

export interface CampaignRow {
  id: string;
  portal_id: string | number;
  name: string;
  hubspot_list_id: string;
  agent_id: string;
  phone_number_id: string;
  phone_provider: 'twilio' | 'sip_trunk';
  calling_days: number[];
  window_start_minute: number;
  window_end_minute: number;
  blackout_dates: string[];
  default_time_zone: string | null;
  retry_policy: RetryPolicy;
  max_attempts: number;
  concurrency_cap: number;
  daily_cap: number;
  dials_per_second: string;
  starts_at: Date;
  require_consent: boolean;
  consent_property: string;
  dnc_property: string;
  variable_properties: Record<string, string>;
  default_region: string;
  status: CampaignStatus;
  import_total: number | null;
  import_done: number;
  import_after: string | null;
  import_error: string | null;
  created_at: Date;
}

/** blackout_dates come back as text so no Date conversion can shift them by a time zone. */
export const CAMPAIGN_COLUMNS = `
  id, portal_id, name, hubspot_list_id, agent_id, phone_number_id, phone_provider, calling_days,
  window_start_minute, window_end_minute, blackout_dates::text[] AS blackout_dates, default_time_zone,
  retry_policy, max_attempts, concurrency_cap, daily_cap, dials_per_second, starts_at, require_consent,
  consent_property, dnc_property, variable_properties, default_region, status, import_total, import_done,
  import_after, import_error, created_at`;

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
  const { rows } = await db.query<CampaignRow>(
    `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE portal_id = $1 AND id = $2`,
    [portalId, campaignId],
  );
  return rows[0] ? campaignFromRow(rows[0]) : null;
}

/** Same, locking the row for the rest of the transaction (status changes serialise on it). */
export async function lockCampaign(
  db: Queryable,
  portalId: number,
  campaignId: string,
): Promise<Campaign | null> {
  if (!UUID.test(campaignId)) return null;
  const { rows } = await db.query<CampaignRow>(
    `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE portal_id = $1 AND id = $2 FOR UPDATE`,
    [portalId, campaignId],
  );
  return rows[0] ? campaignFromRow(rows[0]) : null;
}
