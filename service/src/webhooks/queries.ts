import { sql } from '../db/statement.js';

/** SQL of webhook intake, each statement with the row it returns and the parameters it takes. */

/**
 * Stores a group of events at once, one array per column (element i of each is event i); a replay hits the
 * natural key and is left out. Returns the events that were new.
 */
export const INSERT_EVENTS = sql<
  { id: string; dedupe_key: string },
  [
    eventTypes: readonly string[],
    conversationIds: readonly (string | null)[],
    dedupeKeys: readonly string[],
    eventTimestamps: readonly (Date | null)[],
    sources: readonly string[],
    bodies: readonly (string | null)[],
  ]
>(`
  INSERT INTO webhook_events (event_type, conversation_id, dedupe_key, event_timestamp, source, body)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key`);
