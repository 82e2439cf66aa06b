import { createHash } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { bossDb } from '../core/deps.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import { defineQueue } from '../jobs/queue-definition.js';
import type { Logger } from '../logger.js';
import * as q from './queries.js';

/** One job per stored event (webhook or reconciled). Processing is idempotent (processed_at): retries are safe. */
export const WEBHOOK_PROCESS_QUEUE = defineQueue(
  'webhook-process',
  z.object({ eventId: z.number().int().positive() }),
  {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 120,
    expireInSeconds: 120,
    // A worker killed mid-job gives it back within seconds (not at expiry): the next one takes it over.
    heartbeatSeconds: 10,
    notify: true,
  },
);

export interface IncomingEvent {
  readonly eventType: string;
  readonly conversationId: string | null;
  readonly dedupeKey: string;
  readonly eventTimestamp: Date | null;
  readonly source: 'webhook' | 'reconciliation';
  /** The JSON body, verbatim as received (null when not kept, e.g. audio). */
  readonly body: string | null;
}

/** `unstorable`: Postgres refused the event's content itself (not a passing fault); retrying cannot help. */
export type WriteResult = 'stored' | 'duplicate' | 'unstorable';

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

/**
 * Stores events with group commit: while one transaction is in flight, newly arrived events wait and go into the
 * next one together (one INSERT for all, one pg-boss insert for their jobs). Alone, an event is written at once;
 * under load, a few hundred share a commit, which is what keeps acknowledgements fast at hundreds per second.
 * A replay hits the natural key and is answered without a second job.
 *
 * A group that fails is written again one event per transaction, so each event gets its own answer: one event
 * Postgres refuses never costs the others their acknowledgement (ElevenLabs does not retry webhooks).
 */
export function createEventWriter(pool: Pool, boss: PgBoss, logger: Logger): EventWriter {
  let queue: Pending[] = [];
  let flushing = false;

  /** Commits the events and their jobs; returns the natural keys that were new. */
  const store = (events: readonly IncomingEvent[]): Promise<Set<string>> =>
    withTransaction(pool, async (tx) => {
      const rows = await queryRows(tx, q.INSERT_EVENTS, [
        events.map((x) => x.eventType),
        events.map((x) => x.conversationId),
        events.map((x) => x.dedupeKey),
        events.map((x) => x.eventTimestamp),
        events.map((x) => x.source),
        events.map((x) => x.body),
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

  const settle = (batch: readonly Pending[], stored: Set<string>) => {
    // Two copies of one event in the same commit: the first is the one stored, the other its duplicate.
    for (const b of batch) b.resolve(stored.delete(b.event.dedupeKey) ? 'stored' : 'duplicate');
  };

  const storeEach = async (batch: readonly Pending[]) => {
    for (const b of batch) {
      try {
        settle([b], await store([b.event]));
      } catch (error) {
        if (isContentError(error)) {
          logger.error(
            { err: error, eventType: b.event.eventType, conversationId: b.event.conversationId },
            'webhook event refused by Postgres: not stored',
          );
          b.resolve('unstorable');
        } else {
          b.reject(error);
        }
      }
    }
  };

  const flush = async (): Promise<void> => {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    try {
      settle(batch, await store(batch.map((b) => b.event)));
    } catch (error) {
      logger.warn({ err: error, events: batch.length }, 'storing webhook events together failed: one by one');
      await storeEach(batch);
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

interface Pending {
  readonly event: IncomingEvent;
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

/**
 * Postgres refused the data itself (SQLSTATE class 22 data exception, 54 program limit exceeded), rather than
 * failing for a reason of its own (connection lost, shutting down) that a later attempt could get past.
 */
function isContentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}
