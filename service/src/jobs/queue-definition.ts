import type { Job, Queue, WorkOptions } from 'pg-boss';
import type { z } from 'zod';

/**
 * A queue: its name, the pg-boss options every job inherits, and the schema of its payload.
 * Job data comes back out of the database, written possibly by an older deploy, so workers parse it at the
 * edge like any other inbound payload.
 */
export interface QueueDefinition<T> {
  readonly name: string;
  readonly options: Omit<Queue, 'name'>;
  readonly data: z.ZodType<T>;
}

export function defineQueue<T>(
  name: string,
  data: z.ZodType<T>,
  options: Omit<Queue, 'name'>,
): QueueDefinition<T> {
  return { name, data, options };
}

/** A recurring job. pg-boss cron is minute-granular; sub-minute loops are workers, not schedules. */
export interface ScheduleDefinition {
  readonly queue: QueueDefinition<unknown>;
  readonly cron: string;
  readonly key?: string;
}

/** A worker, ready to register: which queue it serves, how it polls, and how it runs one raw job. */
export interface Worker {
  readonly queueName: string;
  readonly options: Omit<WorkOptions, 'batchSize'>;
  readonly run: (job: Job<unknown>) => Promise<unknown>;
}

/**
 * Binds a handler to its queue. The raw payload is parsed with the queue's schema first; one that does not parse
 * throws, so the job fails visibly (retries, then its dead-letter queue) instead of vanishing.
 */
export function defineWorker<T>(worker: {
  queue: QueueDefinition<T>;
  options: Omit<WorkOptions, 'batchSize'>;
  handle: (data: T, job: Job<unknown>) => Promise<unknown>;
}): Worker {
  return {
    queueName: worker.queue.name,
    options: worker.options,
    run: async (job) => {
      const parsed = worker.queue.data.safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `invalid ${worker.queue.name} payload: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
        );
      }
      return worker.handle(parsed.data, job);
    },
  };
}

/** How long a dead-lettered job stays visible for ops to redrive (nothing works a dead-letter queue). */
const DEAD_LETTER_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The shape of the per-key jobs (a portal's write-back, a portal's setup, a contact's do-not-call write): 'stately'
 * holds at most one waiting and one running job per singletonKey, ten retries back off exponentially up to
 * `retryDelayMax`, and a job whose retries are spent goes to `<name>-dead`, where it waits for ops to redrive it.
 * A heartbeat gives a killed worker's job back within seconds: with 'stately', its active job would otherwise hold
 * the key's work until it expired, whichever worker is still alive (pg-boss sets it at queue creation only).
 */
export function defineKeyedRetryQueue<T>(
  name: string,
  data: z.ZodType<T>,
  retry: { readonly retryDelay: number; readonly retryDelayMax: number; readonly expireInSeconds: number },
): { readonly queue: QueueDefinition<T>; readonly deadLetter: QueueDefinition<T> } {
  const deadLetter = defineQueue(`${name}-dead`, data, { retentionSeconds: DEAD_LETTER_RETENTION_SECONDS });
  const queue = defineQueue(name, data, {
    policy: 'stately',
    retryLimit: 10,
    retryBackoff: true,
    heartbeatSeconds: 10,
    ...retry,
    deadLetter: deadLetter.name,
  });
  return { queue, deadLetter };
}
