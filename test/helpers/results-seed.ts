import type { CallOutcome } from '@fundraising/shared';
import type { Queryable } from '../../service/src/db/pool.js';

/**
 * Ended attempts seeded straight into the tables (one contact each), shaped like those the outcome stage stores:
 * outcome_detail with a reason, a summary (with commas, quotes and line breaks), a duration, the conversation id
 * and a transcript, and a pledge on pledged calls. A few statements, so 100,000 rows take seconds.
 */
export interface SeedAttempts {
  readonly portalId: number;
  readonly campaignId: string;
  readonly count: number;
  /** Outcomes in turn: attempt i gets outcomes[i % length]. */
  readonly outcomes?: readonly CallOutcome[];
  /** The first dial; each next one a second later. */
  readonly firstDialAt?: Date;
  /** First HubSpot contact id; each next one +1. Distinct ranges keep campaigns of one portal apart. */
  readonly firstContactId?: number;
  /** Transcript lines per call: the export must not carry them, so the benchmark makes them weigh. */
  readonly transcriptLines?: number;
}

export const SEED_OUTCOMES: readonly CallOutcome[] = [
  'pledged',
  'no_answer',
  'declined',
  'voicemail',
  'pledged',
];

/**
 * Rows per statement. Every attempt inserted bumps its campaign's row in campaign_daily_dials (a trigger): in one
 * statement those bumps pile up versions of the same row that no one may remove before the commit, and each next
 * bump reads past them all, so one 100,000-row statement took minutes (5,000 rows 1.0 s, 20,000 rows 8.1 s).
 * Committed every few thousand rows, the seed stays linear.
 */
const ROWS_PER_STATEMENT = 2_000;

export async function seedEndedAttempts(db: Queryable, seed: SeedAttempts): Promise<void> {
  for (let from = 0; from < seed.count; from += ROWS_PER_STATEMENT) {
    await seedChunk(db, seed, from, Math.min(seed.count, from + ROWS_PER_STATEMENT));
  }
}

/** Attempts from..until-1 of the seed, exactly as one statement for all of them would have made them. */
async function seedChunk(db: Queryable, seed: SeedAttempts, from: number, until: number): Promise<void> {
  await db.query(
    `WITH n AS (
       SELECT i, $6::bigint + i AS contact_no, ($4::text[])[1 + (i % array_length($4::text[], 1))] AS outcome
         FROM generate_series($8::int, $3 - 1) AS i
     ), transcript AS (
       SELECT coalesce(jsonb_agg(jsonb_build_object(
                'role', CASE WHEN t % 2 = 0 THEN 'agent' ELSE 'user' END,
                'message', 'Line ' || t || ' of a call that went on for a while, as calls do.',
                'timeInCallSecs', t * 5)), '[]'::jsonb) AS lines
         FROM generate_series(1, $7) AS t
     ), contacts AS (
       INSERT INTO campaign_contacts (portal_id, campaign_id, contact_id, phone_e164, time_zones, state, first_name,
                                      attempts, last_outcome, last_attempt_at)
       SELECT $1, $2, n.contact_no::text, '+1212' || lpad((n.contact_no % 10000000)::text, 7, '0'),
              '{America/New_York}', 'done', 'Donor ' || n.i, 1, n.outcome, $5::timestamptz + n.i * interval '1 second'
         FROM n
       RETURNING id, contact_id, phone_e164, last_outcome, last_attempt_at
     )
     INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                status, conversation_id, outcome, outcome_detail, claimed_at, dial_started_at,
                                placed_at, ended_at)
     SELECT $1, $2, c.id, c.contact_id, c.phone_e164, 'phnum_seed', 'ended', 'conv_seed_' || $2::text || '_' || c.contact_id,
            c.last_outcome,
            jsonb_build_object(
              'outcome', c.last_outcome,
              'reason', 'seeded ' || c.last_outcome,
              'summary', 'Donor ' || c.contact_id || ' said "thanks, truly".' || chr(10) || 'Call back in spring.',
              'durationSecs', 30 + (c.contact_id::bigint % 200),
              'conversationId', 'conv_seed_' || $2::text || '_' || c.contact_id,
              'pledgeAmount', CASE WHEN c.last_outcome = 'pledged' THEN 25 + (c.contact_id::bigint % 4) * 25 END,
              'pledgeFrequency', CASE WHEN c.last_outcome = 'pledged' THEN 'monthly' END,
              'transcript', transcript.lines),
            c.last_attempt_at, c.last_attempt_at, c.last_attempt_at + interval '2 seconds',
            c.last_attempt_at + interval '90 seconds'
       FROM contacts c, transcript`,
    [
      seed.portalId,
      seed.campaignId,
      until,
      seed.outcomes ?? SEED_OUTCOMES,
      seed.firstDialAt ?? new Date('2026-11-30T15:00:00Z'),
      seed.firstContactId ?? 5_000_000,
      seed.transcriptLines ?? 4,
      from,
    ],
  );
}
