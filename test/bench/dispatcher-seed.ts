import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { Pool } from '../../service/src/db/pool.js';
import { maskPhone } from '../../service/src/logger.js';
import { insertCampaign, insertPortal } from '../helpers/campaign-fixtures.js';

export interface SeedShape {
  readonly portals: number;
  readonly campaigns: number;
  readonly contactsPerCampaign: number;
  /** Per campaign; the account-wide cap is what spreads a tick's slots over the campaigns. */
  readonly concurrencyCap: number;
}

export interface Seeded {
  readonly campaignIds: readonly string[];
  readonly contacts: number;
}

const FIRST_PORTAL = 9_100;

/**
 * Contacts are spread over four US zones (each with two of its area codes), so the window checks do real work
 * while every contact is inside its 08:00–21:00 window on a weekday afternoon in New York (12:00–15:00 local).
 * A number is area code (by zone and campaign parity) + exchange 234–283 (by campaign / 2) + line (the index):
 * distinct across all campaigns, and valid by libphonenumber's full metadata.
 */
const ZONES = `(VALUES (0, 'America/New_York', 'NY', ARRAY['212', '718']),
                      (1, 'America/Chicago', 'IL', ARRAY['312', '773']),
                      (2, 'America/Denver', 'CO', ARRAY['303', '720']),
                      (3, 'America/Los_Angeles', 'CA', ARRAY['213', '310'])) AS z(idx, zone, us_state, area_codes)`;

/**
 * One INSERT ... SELECT generate_series per campaign (not a million round trips). Every contact is queued and
 * due, its next_attempt_at spread over the day before `at` so the claim's ORDER BY has real work to do.
 */
const INSERT_CONTACTS = `
  INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, time_zone_source,
                                 us_state, first_name, variables, state, next_attempt_at)
  SELECT $1::bigint, $2::uuid, ($3::int * 100000 + i)::text,
         '+1' || z.area_codes[($3::int % 2) + 1] || (234 + $3::int / 2)::text || lpad(i::text, 4, '0'),
         ARRAY[z.zone], 'hs_timezone', z.us_state, 'Donor ' || i,
         jsonb_build_object('first_name', 'Donor ' || i, 'last_gift', (i % 500)::text),
         'queued', $5::timestamptz - ((i * 7919) % 86400) * interval '1 second'
    FROM generate_series(0, $4::int - 1) AS i
    JOIN ${ZONES} ON z.idx = i % 4`;

export async function seedCampaigns(pool: Pool, shape: SeedShape, at: Date): Promise<Seeded> {
  if (shape.campaigns > 100 || shape.contactsPerCampaign > 10_000) {
    throw new Error('the phone numbering scheme covers at most 100 campaigns of 10,000 contacts');
  }
  const campaignIds: string[] = [];
  for (let p = 0; p < shape.portals; p++) await insertPortal(pool, FIRST_PORTAL + p, `bench portal ${p}`);
  for (let k = 0; k < shape.campaigns; k++) {
    const portalId = FIRST_PORTAL + (k % shape.portals);
    campaignIds.push(
      await insertCampaign(pool, {
        portalId,
        concurrencyCap: shape.concurrencyCap,
        dailyCap: 100_000,
        // Pacing lets a number run 2 s ahead: 50 dials/s allows 100 claims, so pacing never limits a tick.
        dialsPerSecond: 50,
        phoneNumberId: `phnum_bench_${k}`,
        agentId: `agent_bench_${k}`,
        days: [1, 2, 3, 4, 5, 6, 7],
        startMinute: 8 * 60,
        endMinute: 21 * 60,
        lastDispatchedAt: new Date(0),
      }),
    );
  }
  // Two connections at a time: the machine has few cores, and index maintenance is the cost.
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < shape.campaigns; k = next++) {
      const portalId = FIRST_PORTAL + (k % shape.portals);
      await pool.query(INSERT_CONTACTS, [portalId, campaignIds[k], k, shape.contactsPerCampaign, at]);
    }
  };
  await Promise.all([worker(), worker()]);
  await pool.query('VACUUM ANALYZE campaigns');
  await pool.query('VACUUM ANALYZE campaign_contacts');
  await pool.query('VACUUM ANALYZE call_attempts');
  const contacts = await checkSeed(pool, at);
  return { campaignIds, contacts };
}

/** Fails the benchmark rather than measure a table that is not what the report says it is. */
async function checkSeed(pool: Pool, at: Date): Promise<number> {
  const { rows } = await pool.query<{ due: number; phones: number; total: number }>(
    `SELECT count(*) FILTER (WHERE state = 'queued' AND next_attempt_at <= $1)::int AS due,
            count(DISTINCT phone_e164)::int AS phones, count(*)::int AS total
       FROM campaign_contacts`,
    [at],
  );
  const counts = rows[0];
  if (!counts || counts.due !== counts.total || counts.phones !== counts.total) {
    throw new Error(`seed is off: ${JSON.stringify(counts)}`);
  }
  const sample = await pool.query<{ phone_e164: string }>(
    `SELECT DISTINCT ON (campaign_id, time_zones) phone_e164 FROM campaign_contacts ORDER BY campaign_id, time_zones, id`,
  );
  const invalid = sample.rows.map((r) => r.phone_e164).filter((p) => !isValidPhoneNumber(p));
  if (invalid.length)
    throw new Error(`seeded ${invalid.length} invalid numbers, e.g. ${maskPhone(invalid[0] ?? '')}`);
  return counts.total;
}

/**
 * A busy day so far: `perCampaign` contacts of each campaign were dialled earlier today (attempt ended, contact
 * done), their dials spread over the 20 hours before `at`. The daily-cap count in the tick reads these.
 */
export async function addDialsToday(pool: Pool, perCampaign: number, at: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `WITH dialled AS (
       UPDATE campaign_contacts cc
          SET state = 'done', last_outcome = 'no_answer', attempts = 1, next_attempt_at = NULL,
              last_attempt_at = $2::timestamptz - ((cc.id * 7919) % 72000) * interval '1 second', updated_at = $2
        WHERE cc.state = 'queued' AND cc.contact_id::int % 100000 >= 10000 - $1::int
        RETURNING cc.id, cc.portal_id, cc.campaign_id, cc.contact_id, cc.phone_e164, cc.last_attempt_at)
     INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                status, outcome, claimed_at, dial_started_at, placed_at, ended_at, updated_at)
     SELECT d.portal_id, d.campaign_id, d.id, d.contact_id, d.phone_e164, c.phone_number_id, 'ended', 'no_answer',
            d.last_attempt_at - interval '1 second', d.last_attempt_at, d.last_attempt_at,
            d.last_attempt_at + interval '40 seconds', d.last_attempt_at + interval '40 seconds'
       FROM dialled d JOIN campaigns c ON c.id = d.campaign_id`,
    [perCampaign, at],
  );
  await pool.query('VACUUM ANALYZE campaign_contacts');
  await pool.query('VACUUM ANALYZE call_attempts');
  return rowCount ?? 0;
}
