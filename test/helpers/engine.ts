import type { PgBoss } from 'pg-boss';
import { CAMPAIGN_QUEUES } from '../../service/src/campaigns/jobs.js';
import type { Clock } from '../../service/src/core/clock.js';
import {
  DEFAULT_ENGINE_SETTINGS,
  type EngineSettings,
  type ServiceDeps,
} from '../../service/src/core/deps.js';
import type { ElevenLabsApi } from '../../service/src/elevenlabs/index.js';
import type { HubSpotPortalClient } from '../../service/src/hubspot/index.js';
import { startBoss } from '../../service/src/jobs/boss.js';
import { silentLogger, type TestDatabase } from './database.js';

/** A clock the test moves by hand; sleep() advances it instead of waiting. */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

const unused = (what: string) =>
  new Proxy({} as never, {
    get: (_t, prop) => () => {
      throw new Error(`${what}.${String(prop)} was not expected in this test`);
    },
  });

/** Engine deps over a real test database and pg-boss (no workers), with the outside world stubbed per test. */
export async function engineDeps(
  db: TestDatabase,
  options: {
    clock: Clock;
    settings?: Partial<EngineSettings>;
    elevenlabs?: ElevenLabsApi;
    hubspot?: { forPortal(portalId: number): HubSpotPortalClient };
  },
): Promise<ServiceDeps & { boss: PgBoss }> {
  const boss = await startBoss({
    connectionString: db.url,
    logger: silentLogger,
    queues: CAMPAIGN_QUEUES,
    supervise: false,
  });
  return {
    pool: db.pool,
    boss,
    elevenlabs: options.elevenlabs ?? unused('elevenlabs'),
    hubspot: options.hubspot ?? unused('hubspot'),
    logger: silentLogger,
    clock: options.clock,
    settings: { ...DEFAULT_ENGINE_SETTINGS, ...options.settings },
  };
}

/** Jobs waiting in a queue (created, not yet worked). */
export async function queuedJobs(boss: PgBoss, queue: string): Promise<{ attemptId: string }[]> {
  const jobs = await boss.findJobs<{ attemptId: string }>(queue, { queued: true });
  return jobs.map((j) => j.data);
}
