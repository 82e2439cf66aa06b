import type { RequestHandler } from 'express';
import type { PgBoss } from 'pg-boss';
import { apiRoutes, type HubSpotSurfaceContext } from './api/index.js';
import {
  campaignWorkers,
  type Dispatcher,
  type PlacementHooks,
  startCampaignLoops,
} from './campaigns/index.js';
import type { Config } from './config/config.js';
import { contactWorkers } from './contacts/index.js';
import { type Clock, realSlackMs, systemClock } from './core/clock.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, type ServiceDeps } from './core/deps.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { createPool, databaseAnswers, type Pool } from './db/pool.js';
import { createHttpApp } from './http/app.js';
import { listenEarly } from './http/listen.js';
import { hubspotWebhookRoutes, hubspotWebhookWorkers } from './hubspot-webhooks/index.js';
import { installRoutes, installWorkers } from './install/index.js';
import { createIntegrations, type Integrations } from './integrations.js';
import { BOSS_SCHEMA, registerWorkers, startBoss } from './jobs/boss.js';
import type { QueueDefinition, Worker } from './jobs/queue-definition.js';
import { QUEUES, SCHEDULES } from './jobs/queues.js';
import type { Logger } from './logger.js';
import {
  createOpsMetrics,
  createOpsTools,
  dashboardActionHosts,
  type OpsCredentials,
  type OpsMetrics,
  opsRoutes,
  resolveOpsCredentials,
  startMetricsServer,
} from './ops/index.js';
import { reconciliationWorkers, startCallCheckLoop } from './reconciliation/index.js';
import {
  applyDiallingAtStartup,
  denyOpsRoutes,
  diallingReadiness,
  guardedSafetyOpsRoutes,
} from './safety/index.js';
import { type SandboxOptions, sandboxProxyRoutes } from './sandbox/index.js';
import {
  createEventWriter,
  type EventWriter,
  elevenLabsWebhookRoutes,
  webhookWorkers,
} from './webhooks/index.js';
import { workflowActionRoutes, workflowActionWorkers } from './workflow-action/index.js';
import { writebackWorkers } from './writeback/index.js';

export interface RunningService {
  readonly url: string;
  readonly databaseUrl: string;
  readonly pool: Pool;
  readonly boss: PgBoss;
  readonly integrations: Integrations;
  readonly engine: ServiceDeps;
  /** Null on web-only processes (and when a test asked for no dispatcher). */
  readonly dispatcher: Dispatcher | null;
  readonly writer: EventWriter;
  /** The ops login (null: /ops/* and /metrics are off) and the process's metrics. */
  readonly ops: {
    readonly credentials: OpsCredentials | null;
    readonly metrics: OpsMetrics;
    /** The loopback /metrics of METRICS_PORT, when set. */
    readonly metricsUrl: string | null;
  };
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** For tests: let them wait on job states through pg-boss spies. */
  readonly enableSpies?: boolean;
  readonly queues?: readonly QueueDefinition<unknown>[];
  readonly workers?: readonly Worker[];
  /** Sandbox only: simulated call seconds x timeScale = real seconds. */
  readonly sandboxTimeScale?: number;
  /** Sandbox only: e.g. the fake ElevenLabs' concurrency limit or seed. */
  readonly sandboxOptions?: Partial<SandboxOptions>;
  /** The engine's notion of now (tests and the demo shift it to a chosen local time). */
  readonly clock?: Clock;
  readonly engineSettings?: Partial<EngineSettings>;
  readonly placementHooks?: PlacementHooks;
  /** Tests drive dispatch ticks themselves. */
  readonly startDispatcher?: boolean;
  /**
   * What stands in front of the ops routes (`/ops/dialling`): the ops login. Until it is wired in, the default
   * answers 404 to everyone; tests pass one that lets them through.
   */
  readonly opsGuard?: RequestHandler;
}

/**
 * Brings the service up in dependency order: database (embedded when DATABASE_URL is unset), migrations,
 * pg-boss and its queues, workers, then HTTP. stop() tears down in reverse, so nothing runs on a closed pool,
 * except that the dispatcher and the workers stop before HTTP does (see the end of the start-up).
 */
export async function startService(options: StartOptions): Promise<RunningService> {
  const { config, logger } = options;
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    }
  };

  try {
    // The port first: taken, the service stops here with one line, before anything else has started.
    const http = config.role === 'worker' ? null : await listenEarly(config.port, config.host);
    let httpHandedOver = false;
    if (http) cleanups.push(async () => (httpHandedOver ? undefined : http.close(0)));
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const embedded = await startEmbeddedPostgres({ dataDir: `${config.dataDir}/postgres`, logger });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      logger.info(
        { database: 'embedded', port: embedded.port, dataDir: embedded.dataDir },
        'using embedded Postgres',
      );
    } else {
      logger.info({ database: 'external', host: safeHost(databaseUrl) }, 'using DATABASE_URL');
    }

    const pool = createPool(databaseUrl, logger);
    cleanups.push(() => pool.end());
    await migrate(pool, logger);
    // Settings are known once the engine is built; the account cap gauge reads them at scrape time.
    let accountCap = DEFAULT_ENGINE_SETTINGS.accountConcurrencyCap;
    const metrics = createOpsMetrics({ db: pool, logger, accountCap: () => accountCap });

    const integrations = await createIntegrations({
      config,
      pool,
      logger,
      ...(options.sandboxTimeScale === undefined ? {} : { sandboxTimeScale: options.sandboxTimeScale }),
      // The fakes stamp calls with the engine's clock, so a shifted clock shifts the whole simulated world.
      sandboxOptions: { ...(options.clock ? { clock: options.clock } : {}), ...options.sandboxOptions },
      metrics,
    });
    cleanups.push(() => integrations.stop());

    // The sandbox's accelerated clock (SANDBOX_CLOCK_*, shared by every process on the fakes) drives the engine;
    // a test's own clock cannot be mixed with it (the fakes would stamp calls on another time).
    const sharedClock = integrations.sandboxFakes?.clock ?? null;
    if (sharedClock !== null && options.clock !== undefined && options.clock !== sharedClock)
      throw new Error(
        'the sandbox fakes run on an accelerated clock (SANDBOX_CLOCK_*): no other clock may be given',
      );
    const clock = options.clock ?? sharedClock ?? systemClock;
    const runsWorkers = config.role !== 'web';
    const boss = await startBoss({
      connectionString: databaseUrl,
      logger,
      queues: options.queues ?? QUEUES,
      schedules: runsWorkers ? SCHEDULES : [],
      supervise: runsWorkers,
      enableSpies: options.enableSpies ?? false,
    });
    // Closed last of the job machinery: webhooks still arriving while workers drain enqueue through it.
    cleanups.push(() => boss.stop({ graceful: false, close: true }));
    let workersRunning = true;
    const settings: EngineSettings = {
      ...DEFAULT_ENGINE_SETTINGS,
      ...config.engine,
      // The fake ElevenLabs plays calls faster than real time: look at its calls on its clock (shared fakes
      // tell every process their time scale, so workers time their looks like the process that started them).
      // Engine seconds per provider second: real seconds per call second x engine ms per real ms (1 on an
      // accelerated clock, whose calls last their simulated length in simulated time).
      ...(integrations.sandboxFakes
        ? { providerTimeScale: integrations.sandboxFakes.info.timeScale * (clock.speed ?? 1) }
        : {}),
      ...options.engineSettings,
    };
    const engine: ServiceDeps = {
      pool,
      boss,
      elevenlabs: integrations.elevenlabs,
      hubspot: integrations.hubspot,
      logger,
      clock,
      settings: {
        ...settings,
        // Grace periods that wait out real processes (a dial's request in flight, the provider's listing lag) are
        // real time: on the sandbox's accelerated clock they stretch to that many real milliseconds.
        unknownDialGraceMs: realSlackMs(clock, settings.unknownDialGraceMs),
        noTraceGraceMs: realSlackMs(clock, settings.noTraceGraceMs),
      },
      metrics,
    };
    accountCap = engine.settings.accountConcurrencyCap;
    // DIALLING_STOPPED holds before any loop or worker could dial (see safety/dialling-switch.ts).
    await applyDiallingAtStartup(engine, config.diallingStopped);
    const url = http ? `http://localhost:${http.port}` : '';
    const surface: HubSpotSurfaceContext = {
      deps: engine,
      integrations,
      config,
      clientSecret: integrations.hubspotClientSecret,
      publicUrl: () => config.publicUrl ?? url,
      clock: engine.clock,
    };
    let dispatcher: Dispatcher | null = null;
    let stopLoops: (() => Promise<void>) | null = null;
    const writer = createEventWriter(pool, boss, logger);
    if (runsWorkers) {
      // A recorded outcome frees a call slot: dispatch at once rather than at the next interval.
      const outcomeDeps = { ...engine, onSlotFreed: () => dispatcher?.nudge() };
      await registerWorkers(
        boss,
        options.workers ?? [
          ...campaignWorkers(engine, options.placementHooks),
          ...writebackWorkers(engine),
          ...webhookWorkers(outcomeDeps),
          ...reconciliationWorkers(outcomeDeps, writer),
          ...installWorkers(surface),
          ...workflowActionWorkers(surface),
          ...hubspotWebhookWorkers(surface),
          ...contactWorkers(engine),
        ],
      );
      if (options.startDispatcher !== false) {
        const campaignLoops = startCampaignLoops(engine);
        const callChecks = startCallCheckLoop(engine);
        dispatcher = campaignLoops;
        stopLoops = async () => {
          await campaignLoops.stop();
          await callChecks.stop();
        };
        cleanups.push(stopLoops); // if start-up fails from here on; stopping twice is harmless
      }
    }

    let metricsUrl: string | null = null;
    if (config.metricsPort !== undefined) {
      const metricsServer = await startMetricsServer(metrics, config.metricsPort, logger);
      cleanups.push(() => metricsServer.close());
      metricsUrl = metricsServer.url;
    }
    const opsCredentials = config.role === 'worker' ? null : resolveOpsCredentials(config, logger);
    if (config.role !== 'worker') {
      const port = http?.port ?? config.port;
      // The job dashboard and the dead letters live behind the ops login, so only where there is one.
      const opsTools =
        opsCredentials === null
          ? null
          : createOpsTools({
              databaseUrl,
              bossSchema: BOSS_SCHEMA,
              boss,
              pool,
              queues: options.queues ?? QUEUES,
              actionHosts: () => dashboardActionHosts(config.publicUrl, port, config.host),
              logger,
            });
      // Pushed before the HTTP server's: shutdown closes HTTP first, then the dashboard's database pools.
      if (opsTools) cleanups.push(() => opsTools.close());
      const app = createHttpApp({
        logger,
        readiness: [
          { name: 'database', check: () => databaseAnswers(pool) },
          { name: 'jobs', check: async () => workersRunning },
        ],
        readinessDetails: () => diallingReadiness(pool),
        routers: [
          elevenLabsWebhookRoutes({
            secret: integrations.elevenLabsWebhookSecret,
            writer,
            clock: engine.clock,
            metrics,
          }),
          opsRoutes({
            credentials: opsCredentials,
            metrics,
            logger,
            routers: opsTools?.routers ?? [],
          }),
          apiRoutes(surface),
          installRoutes(surface),
          workflowActionRoutes(surface),
          hubspotWebhookRoutes(surface),
          // Behind the ops login: opsRoutes (mounted above) checks every /ops request and names the user.
          guardedSafetyOpsRoutes({ deps: engine }, options.opsGuard ?? passedOpsLogin),
          ...(integrations.sandboxFakes ? [sandboxProxyRoutes(integrations.sandboxFakes)] : []),
        ],
      });
      if (http) {
        http.serve(app);
        httpHandedOver = true;
        cleanups.push(() => http.close(HTTP_CLOSE_BUDGET_MS));
      }
    }
    // Shutdown runs these first, in this order: no new dials, then running jobs drain (the shutdown budget), and
    // only then does HTTP stop accepting: webhooks for calls still going on are stored until the very end.
    cleanups.push(async () => {
      workersRunning = false;
      await boss.stop({ graceful: true, close: false, timeout: config.shutdownTimeoutMs });
    });
    if (stopLoops) cleanups.push(stopLoops);
    // The fakes learn where the service is once we know our own URL: ElevenLabs' webhooks and HubSpot's signed
    // calls (cards, workflow actions, webhooks) go there. A worker serves no HTTP: with shared fakes the web
    // process points them at itself.
    if (integrations.sandboxFakes && (config.role !== 'worker' || integrations.sandbox !== null))
      await integrations.sandboxFakes.setServiceUrl(config.publicUrl ?? url);

    return {
      url,
      databaseUrl,
      pool,
      boss,
      integrations,
      engine,
      dispatcher,
      writer,
      ops: { credentials: opsCredentials, metrics, metricsUrl },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Lets through requests the ops login (opsRoutes, mounted before) let through; anything else is a 404. */
const passedOpsLogin: RequestHandler = (req, res, next) => {
  if (typeof res.locals.opsUser === 'string') next();
  else denyOpsRoutes(req, res, next);
};

/** In-flight requests get this long to finish once HTTP stops accepting (jobs have drained by then). */
const HTTP_CLOSE_BUDGET_MS = 2_000;

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'unparseable';
  }
}
