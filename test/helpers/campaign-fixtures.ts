import { isCallAllowedAt } from '../../service/src/calling-window/index.js';
import type { Queryable } from '../../service/src/db/pool.js';

/** Plain-SQL fixtures for engine tests: a portal, a campaign and contacts, without going through HubSpot. */

export async function insertPortal(
  db: Queryable,
  portalId: number,
  name = `portal ${portalId}`,
): Promise<void> {
  await db.query(
    `INSERT INTO portals (portal_id, name, auth_kind) VALUES ($1, $2, 'sandbox') ON CONFLICT (portal_id) DO NOTHING`,
    [portalId, name],
  );
}

export interface CampaignFixture {
  portalId: number;
  status?: string;
  concurrencyCap?: number;
  dailyCap?: number;
  dialsPerSecond?: number;
  days?: number[];
  startMinute?: number;
  endMinute?: number;
  blackoutDates?: string[];
  defaultTimeZone?: string | null;
  agentId?: string;
  phoneNumberId?: string;
  maxAttempts?: number;
  retryPolicy?: Record<string, { delayMinutes: number; maxAttempts: number }>;
  requireConsent?: boolean;
  lastDispatchedAt?: Date;
}

export async function insertCampaign(db: Queryable, f: CampaignFixture): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO campaigns (portal_id, name, hubspot_list_id, agent_id, phone_number_id, phone_provider, calling_days,
        window_start_minute, window_end_minute, blackout_dates, default_time_zone, retry_policy, max_attempts,
        concurrency_cap, daily_cap, dials_per_second, require_consent, status, starts_at, last_dispatched_at)
     VALUES ($1, 'test campaign', '101', $2, $3, 'twilio', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
             '2000-01-01', $16)
     RETURNING id::text`,
    [
      f.portalId,
      f.agentId ?? 'agent_test',
      f.phoneNumberId ?? 'phnum_test',
      f.days ?? [1, 2, 3, 4, 5, 6, 7],
      f.startMinute ?? 8 * 60,
      f.endMinute ?? 21 * 60,
      f.blackoutDates ?? [],
      f.defaultTimeZone ?? null,
      JSON.stringify(f.retryPolicy ?? { no_answer: { delayMinutes: 60, maxAttempts: 3 } }),
      f.maxAttempts ?? 3,
      f.concurrencyCap ?? 5,
      f.dailyCap ?? 1000,
      f.dialsPerSecond ?? 50,
      f.requireConsent ?? false,
      f.status ?? 'active',
      f.lastDispatchedAt ?? new Date(0),
    ],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('no campaign id');
  return id;
}

export interface ContactFixture {
  phone: string;
  zones?: string[];
  usState?: string | null;
  state?: 'imported' | 'queued' | 'dialing' | 'done' | 'skipped';
  nextAttemptAt?: Date;
  contactId?: string;
}

/** Inserts contacts (queued and due by default) and returns their row ids in order. */
export async function insertContacts(
  db: Queryable,
  portalId: number,
  campaignId: string,
  contacts: readonly ContactFixture[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, us_state, state,
        next_attempt_at, variables, first_name)
     SELECT $1, $2, x.contact_id, x.phone, string_to_array(x.zones, ','), x.us_state, x.state, x.next_at,
            jsonb_build_object('first_name', 'Donor ' || x.contact_id), 'Donor ' || x.contact_id
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
            AS x(contact_id, phone, zones, us_state, state, next_at)
     RETURNING id::text`,
    [
      portalId,
      campaignId,
      contacts.map((c) => c.contactId ?? c.phone.replace(/\D/g, '')),
      contacts.map((c) => c.phone),
      contacts.map((c) => (c.zones ?? ['America/New_York']).join(',')),
      contacts.map((c) => c.usState ?? null),
      contacts.map((c) => c.state ?? 'queued'),
      contacts.map((c) => c.nextAttemptAt ?? new Date('2000-01-01T00:00:00Z')),
    ],
  );
  return rows.map((r) => r.id);
}

/**
 * Makes a campaign inserted as paused active. A test against a running dispatcher inserts its campaign paused, then
 * its contacts, then activates it: an active campaign with no contacts yet is complete to the dispatcher, and a tick
 * landing between the two inserts would end it before its contacts arrive (a CI stall with 500 contacts queued).
 */
export async function activateCampaign(db: Queryable, campaignId: string): Promise<void> {
  await db.query(`UPDATE campaigns SET status = 'active' WHERE id = $1`, [campaignId]);
}

/** A distinct valid US number per index (212 555 01xx style lines are fictional; these pass libphonenumber). */
export function usPhone(i: number): string {
  return `+1212555${String(1000 + (i % 9000)).padStart(4, '0')}`;
}

/** A fixed instant when New York is mid-afternoon on a Tuesday: 2026-12-01 15:00 America/New_York. */
export const TUESDAY_AFTERNOON_NY = Date.parse('2026-12-01T20:00:00Z');

/**
 * A time zone where a campaign calling every day 08:00-21:00 may call from `now` for the next two hours: for
 * tests that run against the real clock (child processes) rather than a shifted one.
 */
export function zoneInDaytime(now: number): string {
  const zones = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Pacific/Honolulu'];
  zones.push('Europe/London', 'Europe/Berlin', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Shanghai', 'Asia/Tokyo');
  zones.push('Pacific/Auckland');
  const window = { days: [1, 2, 3, 4, 5, 6, 7], startMinute: 8 * 60, endMinute: 21 * 60, blackoutDates: [] };
  const open = (zone: string) =>
    Array.from({ length: 13 }, (_, k) => now + k * 10 * 60_000).every((t) =>
      isCallAllowedAt(t, { zones: [zone], usState: null }, window),
    );
  const zone = zones.find(open);
  if (!zone) throw new Error('none of the candidate time zones is in its daytime');
  return zone;
}
