import { sql } from '../db/statement.js';

const LIVE = `('claimed', 'dialing', 'placed', 'unknown')`;

/** Calls in flight per active campaign (zero included), from the live-attempt index. */
export const IN_FLIGHT_BY_CAMPAIGN = sql<{ campaign_id: string; n: number }, []>(`
  SELECT c.id::text AS campaign_id,
         (SELECT count(*) FROM call_attempts a WHERE a.campaign_id = c.id AND a.status IN ${LIVE})::int AS n
    FROM campaigns c WHERE c.status = 'active'`);

/** Every live attempt, and those holding a line at the provider (dial sent, not ended). */
export const ACCOUNT_IN_FLIGHT = sql<{ live: number; at_provider: number }, []>(`
  SELECT count(*)::int AS live,
         count(*) FILTER (WHERE status IN ('dialing', 'placed', 'unknown'))::int AS at_provider
    FROM call_attempts WHERE status IN ${LIVE}`);

/** Jobs waiting or running per pg-boss queue, and the age of the oldest one ready to run. */
export const QUEUE_DEPTHS = sql<
  { queue: string; created: number; retry: number; active: number; oldest_ready_seconds: number | null },
  []
>(`
  SELECT name AS queue,
         count(*) FILTER (WHERE state = 'created')::int AS created,
         count(*) FILTER (WHERE state = 'retry')::int AS retry,
         count(*) FILTER (WHERE state = 'active')::int AS active,
         extract(epoch FROM now() - min(created_on) FILTER (
           WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest_ready_seconds
    FROM pgboss.job WHERE state IN ('created', 'retry', 'active')
   GROUP BY name`);

/** Write-backs owed to HubSpot (the outbox's pending rows, from its partial index). */
export const WRITEBACK_PENDING = sql<{ n: number }, []>(
  `SELECT count(*)::int AS n FROM crm_writes WHERE status = 'pending'`,
);

/** Jobs waiting in each dead-letter queue (nothing works them, so they stay created until redriven or kept out). */
export const DEAD_LETTER_COUNTS = sql<{ queue: string; waiting: number }, [queues: readonly string[]]>(`
  SELECT name AS queue, count(*)::int AS waiting
    FROM pgboss.job WHERE name = ANY($1::text[]) AND state < 'active'
   GROUP BY name`);
