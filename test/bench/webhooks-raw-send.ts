import type { PgBoss } from 'pg-boss';
import { WEBHOOK_PROCESS_QUEUE } from '../../service/src/webhooks/index.js';
import { transcriptionBody } from './webhooks-payloads.js';

/**
 * The baseline: the plainest way to get the same work into the same database, one `boss.send` per webhook on a
 * queue of its own (created with the webhook queue's options), from the same number of concurrent callers, with
 * the same parsed payloads as job data. No HTTP, no signature, no event row: what ingestion is measured against.
 */

export const RAW_SEND_QUEUE = 'bench-raw-send';

export async function createRawSendQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(RAW_SEND_QUEUE, WEBHOOK_PROCESS_QUEUE.options);
}

export interface RawSendReport {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly latencyMs: readonly number[];
}

/** The run's payloads as job data, parsed before the clock starts. */
export function rawSendData(prefix: string, count: number): unknown[] {
  const nowSecs = Math.floor(Date.now() / 1000);
  return Array.from(
    { length: count },
    (_, i) => JSON.parse(transcriptionBody(prefix, i, nowSecs)) as unknown,
  );
}

export async function timeRawSends(
  boss: PgBoss,
  data: readonly unknown[],
  concurrency: number,
): Promise<RawSendReport> {
  const latencyMs: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next < data.length) {
      const item = data[next++];
      const started = performance.now();
      const id = await boss.send(RAW_SEND_QUEUE, item as object);
      latencyMs.push(performance.now() - started);
      if (id === null) throw new Error('boss.send returned no job id');
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { sent: data.length, elapsedMs: performance.now() - started, latencyMs };
}
