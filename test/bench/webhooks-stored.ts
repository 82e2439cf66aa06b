import type { Pool } from '../../service/src/db/pool.js';
import { WEBHOOK_PROCESS_QUEUE } from '../../service/src/webhooks/index.js';
import { RAW_SEND_QUEUE } from './webhooks-raw-send.js';
import type { LoadReport } from './webhooks-sender.js';

/** What the senders were told against what the database holds afterwards. */
export interface Integrity {
  readonly failedRequests: number;
  /** One row per distinct webhook acknowledged (replays add none). */
  readonly expectedEvents: number;
  readonly events: number;
  readonly distinctConversations: number;
  readonly processJobs: number;
  /** webhook-process jobs whose eventId names a stored event, each a different one. */
  readonly jobsMatchingAnEvent: number;
  readonly expectedRawJobs: number;
  readonly rawJobs: number;
  readonly replaysSent: number;
  readonly duplicatesAnswered: number;
  /** The sum of every discrepancy above; 0 when all is as it should be. */
  readonly errors: number;
}

const COUNTS = `
  SELECT (SELECT count(*) FROM webhook_events)::int AS events,
         (SELECT count(DISTINCT conversation_id) FROM webhook_events)::int AS distinct_conversations,
         (SELECT count(*) FROM pgboss.job WHERE name = $1)::int AS process_jobs,
         (SELECT count(DISTINCT e.id) FROM pgboss.job j
            JOIN webhook_events e ON e.id = (j.data->>'eventId')::bigint
           WHERE j.name = $1)::int AS jobs_matching_an_event,
         (SELECT count(*) FROM pgboss.job WHERE name = $2)::int AS raw_jobs`;

interface Counts {
  events: number;
  distinct_conversations: number;
  process_jobs: number;
  jobs_matching_an_event: number;
  raw_jobs: number;
}

export async function checkIntegrity(
  pool: Pool,
  loads: readonly LoadReport[],
  rawSends: number,
): Promise<Integrity> {
  const { rows } = await pool.query<Counts>(COUNTS, [WEBHOOK_PROCESS_QUEUE.name, RAW_SEND_QUEUE]);
  const c = rows[0];
  if (!c) throw new Error('no counts');
  const expectedEvents = loads.reduce((n, l) => n + l.distinct, 0);
  const failedRequests = loads.reduce((n, l) => n + l.failed, 0);
  const replaysSent = loads.reduce((n, l) => n + l.replays, 0);
  const duplicatesAnswered = loads.reduce((n, l) => n + l.duplicates, 0);
  const off = (measured: number, expected: number) => Math.abs(measured - expected);
  return {
    failedRequests,
    expectedEvents,
    events: c.events,
    distinctConversations: c.distinct_conversations,
    processJobs: c.process_jobs,
    jobsMatchingAnEvent: c.jobs_matching_an_event,
    expectedRawJobs: rawSends,
    rawJobs: c.raw_jobs,
    replaysSent,
    duplicatesAnswered,
    errors:
      failedRequests +
      off(c.events, expectedEvents) +
      off(c.distinct_conversations, expectedEvents) +
      off(c.process_jobs, expectedEvents) +
      off(c.jobs_matching_an_event, expectedEvents) +
      off(c.raw_jobs, rawSends) +
      off(duplicatesAnswered, replaysSent),
  };
}

export async function serverSettings(pool: Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers',
            'fsync', 'synchronous_commit', 'max_connections']) AS name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}
