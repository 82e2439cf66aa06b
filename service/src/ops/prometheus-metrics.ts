import { CALL_OUTCOMES } from '@fundraising/shared';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics, Provider, WebhookVerification } from '../core/metrics.js';
import type { Queryable } from '../db/pool.js';
import { queryRow, queryRows } from '../db/statement.js';
import type { Logger } from '../logger.js';
import * as q from './queries.js';

/** The write-back's dead-letter queue (writeback/writeback-queue.ts): its waiting jobs are the dead letters. */
const WRITEBACK_DEAD_QUEUE = 'crm-writeback-dead';
const WEBHOOK_TYPES = new Set(['post_call_transcription', 'post_call_audio', 'call_initiation_failure']);
const OUTCOMES = new Set<string>(CALL_OUTCOMES);

export interface OpsMetrics extends Metrics {
  /** The Prometheus text of every metric; database gauges are read now. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface OpsMetricsOptions {
  /** Scrape-time gauges are read from here. */
  readonly db: Queryable;
  readonly logger: Logger;
  /** The account-wide cap on calls in flight (the engine's setting). */
  readonly accountCap: () => number;
}

/**
 * The service's metrics on a registry of its own (several services in one test process do not mix).
 * Counters and histograms count what this process did: with several processes, Prometheus sums them across
 * instances (`sum without (instance) (...)`). Gauges read from the database (calls in flight, queue depths,
 * the outbox) are computed at scrape time, so every process reports the same whole-system value: take `max`,
 * not `sum`, across instances.
 */
export function createOpsMetrics(options: OpsMetricsOptions): OpsMetrics {
  const registry = new Registry();
  const { db, logger } = options;
  const registers = [registry];
  /** A failed read leaves the gauge empty for this scrape (absent, not a stale or made-up value). */
  const read = async <T>(what: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (err) {
      logger.warn({ err, what }, 'metrics: database read failed during a scrape');
      return null;
    }
  };

  const dials = new Counter({
    name: 'fundraising_dials_total',
    help: 'Dial requests sent to ElevenLabs, by result (placed, rejected, at_capacity, unknown).',
    labelNames: ['result'] as const,
    registers,
  });
  for (const result of ['placed', 'rejected', 'at_capacity', 'unknown']) dials.labels(result).inc(0);

  const dueToDial = new Histogram({
    name: 'fundraising_due_to_dial_seconds',
    help: 'From the moment a contact was due to the moment its dial was sent.',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers,
  });
  const dispatchTick = new Histogram({
    name: 'fundraising_dispatch_tick_duration_seconds',
    help: 'Duration of one dispatcher tick (claiming due contacts and enqueueing their dials).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const outcomes = new Counter({
    name: 'fundraising_outcomes_total',
    help: 'Call outcomes recorded (each attempt once), by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const webhooks = new Counter({
    name: 'fundraising_webhooks_received_total',
    help: 'ElevenLabs webhooks received, by event type (unknown before verification) and verification result.',
    labelNames: ['type', 'verification'] as const,
    registers,
  });
  const writebacks = new Counter({
    name: 'fundraising_writeback_rows_total',
    help: 'HubSpot write-back rows per run: done (written), rejected (refused for good), pending (failed, retried).',
    labelNames: ['result'] as const,
    registers,
  });
  for (const result of ['done', 'rejected', 'pending']) writebacks.labels(result).inc(0);
  const providerLatency = new Histogram({
    name: 'fundraising_provider_request_duration_seconds',
    help: 'HTTP requests to HubSpot and ElevenLabs (each attempt, retries included), by status class.',
    labelNames: ['provider', 'status_class'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const rateLimited = new Counter({
    name: 'fundraising_provider_rate_limited_total',
    help: 'HTTP 429 answers from HubSpot and ElevenLabs.',
    labelNames: ['provider'] as const,
    registers,
  });
  for (const provider of ['hubspot', 'elevenlabs']) rateLimited.labels(provider).inc(0);

  new Gauge({
    name: 'fundraising_campaign_calls_in_flight',
    help: 'Calls in flight (claimed, dialling, placed or unknown) per active campaign; read at scrape time.',
    labelNames: ['campaign_id'] as const,
    registers,
    async collect() {
      const rows = await read('calls in flight', () => queryRows(db, q.IN_FLIGHT_BY_CAMPAIGN, []));
      this.reset();
      for (const row of rows ?? []) this.labels(row.campaign_id).set(row.n);
    },
  });
  const account = () => read('account in flight', () => queryRow(db, q.ACCOUNT_IN_FLIGHT, []));
  new Gauge({
    name: 'fundraising_calls_in_flight',
    help: 'Calls in flight across every campaign; read at scrape time.',
    registers,
    async collect() {
      const row = await account();
      if (row) this.set(row.live);
      else this.reset();
    },
  });
  new Gauge({
    name: 'fundraising_provider_calls_in_use',
    help: 'Calls holding a line at ElevenLabs (dial sent, not ended); read at scrape time.',
    registers,
    async collect() {
      const row = await account();
      if (row) this.set(row.at_provider);
      else this.reset();
    },
  });
  new Gauge({
    name: 'fundraising_provider_calls_cap',
    help: 'The account-wide cap on calls in flight (ACCOUNT_CONCURRENCY_CAP).',
    registers,
    collect() {
      this.set(options.accountCap());
    },
  });

  // One read of pgboss.job per scrape feeds the three queue gauges.
  let queueRead: Promise<readonly QueueRow[] | null> | null = null;
  const queues = () => {
    queueRead ??= read('queue depths', () => queryRows(db, q.QUEUE_DEPTHS, [])).finally(() => {
      setImmediate(() => {
        queueRead = null;
      });
    });
    return queueRead;
  };
  new Gauge({
    name: 'fundraising_queue_jobs',
    help: 'pg-boss jobs per queue and state (created, retry, active); read at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const rows = await queues();
      this.reset();
      for (const row of rows ?? []) {
        this.labels(row.queue, 'created').set(row.created);
        this.labels(row.queue, 'retry').set(row.retry);
        this.labels(row.queue, 'active').set(row.active);
      }
    },
  });
  new Gauge({
    name: 'fundraising_queue_oldest_job_age_seconds',
    help: 'Age of the oldest pg-boss job ready to run but not yet started, per queue; read at scrape time.',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      const rows = await queues();
      this.reset();
      for (const row of rows ?? []) this.labels(row.queue).set(Math.max(0, row.oldest_ready_seconds ?? 0));
    },
  });
  new Gauge({
    name: 'fundraising_writeback_dead_letters',
    help: `Write-back jobs dead-lettered (${WRITEBACK_DEAD_QUEUE}) and waiting for a redrive; read at scrape time.`,
    registers,
    async collect() {
      const rows = await queues();
      if (rows === null) return this.reset();
      const dead = rows.find((r) => r.queue === WRITEBACK_DEAD_QUEUE);
      this.set(dead ? dead.created + dead.retry : 0);
    },
  });
  new Gauge({
    name: 'fundraising_writeback_pending',
    help: 'Outcomes not yet written back to HubSpot (outbox rows pending); read at scrape time.',
    registers,
    async collect() {
      const row = await read('write-back outbox', () => queryRow(db, q.WRITEBACK_PENDING, []));
      if (row) this.set(row.n);
      else this.reset();
    },
  });

  return {
    dialResult: (kind) => dials.labels(kind).inc(),
    dueToDial: (seconds) => dueToDial.observe(seconds),
    dispatchTick: (seconds) => dispatchTick.observe(seconds),
    outcomeRecorded: (outcome) => outcomes.labels(OUTCOMES.has(outcome) ? outcome : 'other').inc(),
    webhookReceived: (eventType: string | null, verification: WebhookVerification) =>
      webhooks
        .labels(
          eventType === null ? 'unknown' : WEBHOOK_TYPES.has(eventType) ? eventType : 'other',
          verification,
        )
        .inc(),
    writebackRows: ({ done, rejected, pending }) => {
      writebacks.labels('done').inc(done);
      writebacks.labels('rejected').inc(rejected);
      writebacks.labels('pending').inc(pending);
    },
    providerRequest: (provider: Provider, status: number | null, seconds: number) => {
      providerLatency.labels(provider, statusClass(status)).observe(seconds);
      if (status === 429) rateLimited.labels(provider).inc();
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

type QueueRow = {
  queue: string;
  created: number;
  retry: number;
  active: number;
  oldest_ready_seconds: number | null;
};

function statusClass(status: number | null): string {
  if (status === null) return 'error';
  if (status >= 200 && status < 600) return `${Math.floor(status / 100)}xx`;
  return 'other';
}
