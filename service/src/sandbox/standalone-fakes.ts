import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config/config.js';
import { createHttpApp } from '../http/app.js';
import { parseEncryptionKey, readOrCreateTokenKey, SANDBOX_TOKEN_KEY_FILE } from '../hubspot/index.js';
import type { Logger } from '../logger.js';
import { listenOnLoopback, type SandboxClock } from './http-server.js';
import { MAX_EXTRA_PORTALS, startSandbox } from './index.js';
import { callTimeScale, clockFromConfig } from './sandbox-clock.js';
import { sandboxProxyRoutes } from './sandbox-proxy-routes.js';
import { localFakes, type SandboxFakes } from './shared-fakes.js';

/**
 * The sandbox's fakes in a process of their own (`npm run sandbox:fakes`), for several service processes on one
 * Postgres: web and worker processes started with SANDBOX_FAKES_URL pointing here all dial this one fake
 * ElevenLabs and write to this one fake HubSpot, so its records are the whole system's, and a worker can be
 * killed without taking the calls in flight with it.
 */

const rateLimit = z.union([
  z.literal('off').transform(() => false as const),
  z.coerce.number().int().min(1).max(100_000),
]);

/** The fakes' own settings; the secrets, DATA_DIR and LOG_LEVEL are the service's variables of the same name. */
export const standaloneFakesEnv = z.object({
  /** Loopback port of the shared-fakes endpoint (SANDBOX_FAKES_URL); 0 picks a free one. */
  SANDBOX_FAKES_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** Real seconds per simulated call second: 0.01 plays a 100 s call in 1 s. */
  SANDBOX_TIME_SCALE: z.coerce.number().positive().max(1).default(0.01),
  /** Calls the fake ElevenLabs lets be in flight at once (the plan's limit); beyond it a dial gets a 429. */
  SANDBOX_CONCURRENCY_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Requests per portal per 10 s the fake HubSpot allows before its 429s (HubSpot's own: 110), or `off`. */
  SANDBOX_HUBSPOT_RATE_LIMIT: rateLimit.default(110),
  /** Decides every simulated call's outcome: the same seed replays the same stories. */
  SANDBOX_SEED: z.coerce.number().int().min(0).default(1),
  /** Organisations beyond the demo and second portals, each with numbers of its own, to install through OAuth. */
  SANDBOX_EXTRA_PORTALS: z.coerce.number().int().min(0).max(MAX_EXTRA_PORTALS).default(0),
});

/** Printed once the fakes answer, followed by the URL to give the service processes. */
export const FAKES_READY_LINE = 'Sandbox fakes ready at';

export interface StandaloneFakes {
  /** What service processes set as SANDBOX_FAKES_URL. */
  readonly url: string;
  readonly fakes: SandboxFakes;
  stop(): Promise<void>;
}

/**
 * Starts both fakes and serves /__sandbox (records, steering, and the shared-fakes info) on loopback. `clock`: the
 * time the fakes stamp calls and sign webhooks with, when the service processes run on a moved clock (tests).
 */
export async function startStandaloneFakes(
  env: Record<string, string | undefined>,
  logger: Logger,
  options: { clock?: SandboxClock } = {},
): Promise<StandaloneFakes> {
  const own = parseOwnEnv(env);
  // The service's own parsing, sandbox forced: real credentials in this environment are refused as they are there.
  const config = loadConfig({ ...env, SANDBOX: 'true', SANDBOX_FAKES_URL: undefined });
  const key = config.tokenEncryptionKey
    ? parseEncryptionKey(config.tokenEncryptionKey)
    : await readOrCreateTokenKey(path.join(config.dataDir, SANDBOX_TOKEN_KEY_FILE));
  const clock = clockFromConfig(config.sandboxClock);
  const sandbox = await startSandbox({
    ...(config.elevenlabs.webhookSecret ? { elevenLabsWebhookSecret: config.elevenlabs.webhookSecret } : {}),
    ...(config.hubspot.clientSecret ? { hubspotClientSecret: config.hubspot.clientSecret } : {}),
    ...(config.hubspot.clientId ? { hubspotClientId: config.hubspot.clientId } : {}),
    // An explicit SANDBOX_TIME_SCALE wins; on an accelerated clock the default is 1 / its speed (calls last their
    // simulated length in simulated time).
    timeScale:
      callTimeScale(
        config.sandboxClock,
        (env.SANDBOX_TIME_SCALE ?? '') !== '' ? own.SANDBOX_TIME_SCALE : undefined,
      ) ?? own.SANDBOX_TIME_SCALE,
    extraPortals: own.SANDBOX_EXTRA_PORTALS,
    ...(clock === null ? {} : { clock }),
    concurrencyLimit: own.SANDBOX_CONCURRENCY_LIMIT,
    hubspotRateLimit:
      own.SANDBOX_HUBSPOT_RATE_LIMIT === false
        ? false
        : { max: own.SANDBOX_HUBSPOT_RATE_LIMIT, windowMs: 10_000 },
    seed: own.SANDBOX_SEED,
    ...(options.clock ? { clock: options.clock } : {}),
    logger: logger.child({ component: 'sandbox' }),
  });
  try {
    const fakes = localFakes(sandbox, key, clock);
    const app = createHttpApp({ logger, readiness: [], routers: [sandboxProxyRoutes(fakes)] });
    const server = await listenOnLoopback(app, own.SANDBOX_FAKES_PORT);
    return {
      url: server.url,
      fakes,
      stop: async () => {
        await server.stop();
        await sandbox.stop();
      },
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}

/** A bad value is a one-line ConfigError naming the variable, as the service reports its own. */
function parseOwnEnv(env: Record<string, string | undefined>): z.output<typeof standaloneFakesEnv> {
  // An empty value means unset, as for the service's variables.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = standaloneFakesEnv.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid value');
}
