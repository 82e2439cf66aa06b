import type { PgBoss } from 'pg-boss';
import { defaultEngineConfig } from '../config/config.js';
import type { Pool } from '../db/pool.js';
import type { ElevenLabsApi } from '../elevenlabs/index.js';
import type { HubSpotPortalClient } from '../hubspot/index.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';

export interface EngineSettings {
  /** Calls in flight across every campaign sharing the ElevenLabs account. */
  readonly accountConcurrencyCap: number;
  /** Dials per number per rolling 24 h, across campaigns of a portal. */
  readonly frequencyCapPer24h: number;
  readonly dispatchIntervalMs: number;
  /** How long the phone rings before ElevenLabs gives up (at least 15 s). */
  readonly ringingTimeoutSecs: number;
  /**
   * An attempt whose dial result is unknown is declared never placed only after this long without a trace. Real
   * time (it waits out a request in flight): on the sandbox's accelerated clock the runtime stretches it by the
   * clock's speed, as it does `noTraceGraceMs`.
   */
  readonly unknownDialGraceMs: number;
  /**
   * The longest a call may last (the agents' maximum conversation duration). Placed calls with no outcome are
   * looked up at ElevenLabs every minute (their webhook may be lost); one reported running long past ring timeout
   * + this is ended as failed.
   */
  readonly maxCallDurationSecs: number;
  /**
   * Engine seconds per provider second when timing looks at calls: 1, except against the sandbox's fast calls
   * on a real-time engine clock (on the accelerated clock calls last their simulated length: 1 again).
   */
  readonly providerTimeScale: number;
  /** A placed call ElevenLabs has no trace of is ended as failed after looks spread over this long. */
  readonly noTraceGraceMs: number;
  /**
   * A dial may rely on a batched HubSpot do-not-call/consent read this old; 0 reads every contact at the moment
   * of its dial (one HubSpot request per dial, coalesced only across simultaneous dials).
   */
  readonly dialCheckMaxAgeMs: number;
}

/** The settings environment variables set take their defaults from the variables' declarations (config/). */
export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  ...defaultEngineConfig(),
  ringingTimeoutSecs: 30,
  unknownDialGraceMs: 120_000,
  providerTimeScale: 1,
  noTraceGraceMs: 120_000,
};

/** Everything the features' use cases and jobs need, passed explicitly (no globals). */
export interface ServiceDeps {
  readonly pool: Pool;
  readonly boss: PgBoss;
  readonly elevenlabs: ElevenLabsApi;
  readonly hubspot: { forPortal(portalId: number): HubSpotPortalClient };
  readonly logger: Logger;
  readonly clock: Clock;
  readonly settings: EngineSettings;
  /** Counters and histograms for ops (`ops/`); absent in unit tests. */
  readonly metrics?: Metrics;
}

/** pg-boss runs SQL through this adapter when a job must commit with our own writes. */
export function bossDb(client: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> }) {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await client.query(text, values);
      return { rows: result.rows as Record<string, unknown>[] };
    },
  };
}
