import { createHash } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { bossDb } from '../campaigns/engine-deps.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { WEBHOOK_PROCESS_QUEUE } from './webhook-queues.js';

export interface IncomingEvent {
  readonly eventType: string;
  readonly conversationId: string | null;
  readonly dedupeKey: string;
  readonly eventTimestamp: Date | null;
  readonly source: 'webhook' | 'reconciliation';
  /** The JSON body as received (null when not kept, e.g. audio). */
  readonly payload: string | null;
}

export type WriteResult = 'stored' | 'duplicate';

/**
 * An event's natural key: its type and conversation, so a replayed webhook and the twin reconciliation stores for a
 * lost one are the same event; an event without a conversation id is keyed on its bytes.
 */
export function eventDedupeKey(type: string, conversationId: string | null, body: Buffer | string): string {
  return `${type}:${conversationId ?? createHash('sha256').update(body).digest('hex')}`;
}

export interface EventWriter {
  /** Resolves once the event and its processing job are committed (or the event was already there). */
  write(event: IncomingEvent): Promise<WriteResult>;
}

const MAX_BATCH = 500;

const INSERT_EVENTS = `
  INSERT INTO webhook_events (event_type, conversation_id, dedupe_key, event_timestamp, source, payload)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key`;

/**
 * Stores events with group commit: while one transaction is in flight, newly arrived events wait and go into the
 * next one together (one INSERT for all, one pg-boss insert for their jobs). Alone, an event is written at once;
 * under load, a few hundred share a commit, which is what keeps acknowledgements fast at hundreds per second.
 * A replay hits the natural key and is answered without a second job.
 */
export function createEventWriter(pool: Pool, boss: PgBoss, logger: Logger): EventWriter {
  let queue: { event: IncomingEvent; resolve(r: WriteResult): void; reject(e: unknown): void }[] = [];
  let flushing = false;

  const flush = async (): Promise<void> => {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    try {
      const stored = await withTransaction(pool, async (tx) => {
        const e = batch.map((b) => b.event);
        const { rows } = await tx.query<{ id: string; dedupe_key: string }>(INSERT_EVENTS, [
          e.map((x) => x.eventType),
          e.map((x) => x.conversationId),
          e.map((x) => x.dedupeKey),
          e.map((x) => x.eventTimestamp),
          e.map((x) => x.source),
          e.map((x) => x.payload),
        ]);
        if (rows.length > 0) {
          await boss.insert(
            WEBHOOK_PROCESS_QUEUE.name,
            rows.map((r) => ({ data: { eventId: Number(r.id) } })),
            { db: bossDb(tx) },
          );
        }
        return new Set(rows.map((r) => r.dedupe_key));
      });
      // Two copies of one event in the same commit: the first is the one stored, the other its duplicate.
      for (const b of batch) {
        const first = stored.delete(b.event.dedupeKey);
        b.resolve(first ? 'stored' : 'duplicate');
      }
    } catch (error) {
      logger.error({ err: error, events: batch.length }, 'storing webhook events failed');
      for (const b of batch) b.reject(error);
    } finally {
      flushing = false;
      if (queue.length > 0) void flush();
    }
  };

  return {
    write: (event) =>
      new Promise<WriteResult>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        void flush();
      }),
  };
}
