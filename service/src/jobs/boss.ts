import { PgBoss } from 'pg-boss';
import type { Logger } from '../logger.js';
import type { QueueDefinition, ScheduleDefinition, Worker } from './queue-definition.js';

export const BOSS_SCHEMA = 'pgboss';

export interface BossOptions {
  readonly connectionString: string;
  readonly logger: Logger;
  readonly queues: readonly QueueDefinition<unknown>[];
  readonly schedules?: readonly ScheduleDefinition[];
  /** Maintenance and cron run on worker processes only; web processes only send. */
  readonly supervise: boolean;
  readonly schema?: string;
  /** Spies let tests wait for a job's state instead of sleeping. Never in production. */
  readonly enableSpies?: boolean;
}

export async function startBoss(options: BossOptions): Promise<PgBoss> {
  const { logger } = options;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema ?? BOSS_SCHEMA,
    application_name: 'fundraising-jobs',
    max: 10,
    supervise: options.supervise,
    schedule: options.supervise,
    migrate: true,
    // Expired and heartbeat-less jobs (a worker that died mid-job) go back to the queue within seconds.
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
    useListenNotify: true,
    __test__enableSpies: options.enableSpies ?? false,
  });
  // Without an 'error' listener an EventEmitter error would crash the process.
  boss.on('error', (err) => logger.error({ err }, 'pg-boss error'));
  boss.on('warning', (warning) => logger.warn({ warning }, 'pg-boss warning'));
  await boss.start();
  for (const queue of options.queues) {
    await ensureQueue(boss, queue);
  }
  for (const s of options.schedules ?? []) {
    await boss.schedule(s.queue.name, s.cron, null, { key: s.key ?? 'default', tz: 'UTC' });
  }
  logger.info({ schema: options.schema ?? BOSS_SCHEMA, queues: options.queues.length }, 'pg-boss started');
  return boss;
}

/** createQueue is not idempotent about options; update existing queues so a deploy's changes take effect. */
async function ensureQueue(boss: PgBoss, queue: QueueDefinition<unknown>): Promise<void> {
  const existing = await boss.getQueue(queue.name);
  if (!existing) {
    await boss.createQueue(queue.name, queue.options);
    return;
  }
  const {
    policy: _policy,
    partition: _partition,
    heartbeatSeconds: _hb,
    retryDelayMax: _rdm,
    ...updatable
  } = queue.options;
  await boss.updateQueue(queue.name, updatable);
}

/**
 * The one place workers are registered. One job per fetch: our handlers dial phones and call APIs.
 *
 * On a queue with LISTEN/NOTIFY, pg-boss relaxes polling to `notifyPollingIntervalSeconds` (30 s by default) and
 * counts on a NOTIFY per insert. But one NOTIFY wakes each worker for one fetch, however many jobs the insert
 * held (a group commit of webhooks, a dispatch tick's claims), and a retried job (its worker killed, its handler
 * failed) becomes due with no NOTIFY at all: with the default, such jobs waited up to 30 s. Here NOTIFY only
 * makes pickup faster; polling keeps its own interval.
 */
export async function registerWorkers(boss: PgBoss, workers: readonly Worker[]): Promise<void> {
  for (const worker of workers) {
    const options = {
      notifyPollingIntervalSeconds: worker.options.pollingIntervalSeconds,
      ...worker.options,
      batchSize: 1,
    };
    await boss.work(worker.queueName, options, async (jobs) => {
      for (const job of jobs) await worker.run(job);
    });
  }
}
