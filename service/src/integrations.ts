import path from 'node:path';
import type { Config } from './config/config.js';
import { wireNow } from './core/clock.js';
import { type Metrics, timedFetch } from './core/metrics.js';
import type { Pool } from './db/pool.js';
import { createElevenLabsClient, type ElevenLabsApi } from './elevenlabs/index.js';
import {
  createHubSpotClients,
  createHubSpotOAuth,
  createSandboxTokenProvider,
  createStaticTokenProvider,
  createTokenCipher,
  type HubSpotClients,
  type HubSpotOAuth,
  PortalTokenProvider,
  parseEncryptionKey,
  readOrCreateTokenKey,
  SANDBOX_TOKEN_KEY_FILE,
  type TokenProvider,
} from './hubspot/index.js';
import type { Logger } from './logger.js';
import {
  callTimeScale,
  clockFromConfig,
  connectToFakes,
  localFakes,
  type Sandbox,
  type SandboxClock,
  type SandboxFakes,
  type SandboxFakesInfo,
  type SandboxOptions,
  sandboxAccessToken,
  startSandbox,
} from './sandbox/index.js';

/** The outside world as the rest of the service sees it: real accounts, or the sandbox's fakes. */
export interface Integrations {
  readonly elevenlabs: ElevenLabsApi;
  readonly hubspot: HubSpotClients;
  /** Verifies ElevenLabs post-call webhooks. */
  readonly elevenLabsWebhookSecret: string;
  /** Verifies requests signed by HubSpot (cards, workflow actions); undefined for a private-app setup. */
  readonly hubspotClientSecret: string | undefined;
  /** Set when this process started the sandbox's fakes: the fakes, their records and the demo portal. */
  readonly sandbox: Sandbox | null;
  /** Set in sandbox mode: the fakes in use, this process's own or those another process serves. */
  readonly sandboxFakes: SandboxFakes | null;
  /** Installs through OAuth (many organisations); null with a private app's token (one organisation, no install). */
  readonly install: OAuthInstall | null;
  /**
   * What to do when HubSpot refuses a portal's refresh token (uninstalled, access revoked): the install feature
   * sets this once it is wired, to disconnect the portal. Setting it again replaces it.
   */
  onPortalRevoked(listener: RevocationListener): void;
  stop(): Promise<void>;
}

export type RevocationListener = (portalId: number, reason: string) => Promise<void>;

/** What the OAuth install flow needs: the app, HubSpot's consent page, the token endpoint and the token store. */
export interface OAuthInstall {
  readonly clientId: string;
  /** HubSpot's consent page, or the fake's in sandbox mode. */
  readonly authorizeUrl: string;
  /** Code exchange and token introspection; token lifetimes are counted on the same clock as `tokens` uses. */
  readonly oauth: HubSpotOAuth;
  /** Installed portals' tokens, stored encrypted (TOKEN_ENCRYPTION_KEY). */
  readonly tokens: PortalTokenProvider;
}

/** Measuring fetches for the provider clients, when metrics are wired. */
function fetchesOf(metrics: Metrics | undefined) {
  if (metrics === undefined) return { hubspot: {}, elevenlabs: {} };
  return {
    hubspot: { fetch: timedFetch('hubspot', metrics) },
    elevenlabs: { fetch: timedFetch('elevenlabs', metrics) },
  };
}

/** HubSpot's consent page for app installs. */
export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';

/** Token providers are built before the service that handles a revocation exists: they report through this. */
function revocationRelay(logger: Logger) {
  let listener: RevocationListener | null = null;
  return {
    set: (next: RevocationListener) => {
      listener = next;
    },
    notify: async (portalId: number, reason: string) => {
      if (listener === null) {
        logger.error({ portalId }, 'HubSpot revoked a portal, but nothing is wired to disconnect it');
        return;
      }
      await listener(portalId, reason);
    },
  };
}

/**
 * Builds the clients from the config. In sandbox mode it first starts the fakes on loopback and installs the demo
 * portal, then points the very same clients at them: the code under test is the production code.
 */
export async function createIntegrations(options: {
  config: Config;
  pool: Pool;
  logger: Logger;
  sandboxTimeScale?: number;
  sandboxOptions?: Partial<SandboxOptions>;
  /** Provider request latencies and statuses are reported here. */
  metrics?: Metrics;
}): Promise<Integrations> {
  const { config, pool, logger } = options;
  if (config.sandbox) return createSandboxIntegrations(options);
  const revoked = revocationRelay(logger);

  const apiKey = config.elevenlabs.apiKey;
  const webhookSecret = config.elevenlabs.webhookSecret;
  if (apiKey === undefined || webhookSecret === undefined) throw new Error('ElevenLabs credentials missing');
  const elevenlabs = createElevenLabsClient({
    apiKey,
    baseUrl: config.elevenlabs.baseUrl,
    logger,
    ...fetchesOf(options.metrics).elevenlabs,
  });

  const { clientId, clientSecret, accessToken, baseUrl } = config.hubspot;
  let tokens: TokenProvider;
  let oauthApp: { clientId: string; clientSecret: string } | undefined;
  let install: OAuthInstall | null = null;
  if (clientId !== undefined && clientSecret !== undefined && config.tokenEncryptionKey !== undefined) {
    oauthApp = { clientId, clientSecret };
    const oauth = createHubSpotOAuth({ baseUrl, clientId, clientSecret, logger });
    const installed = new PortalTokenProvider({
      pool,
      cipher: createTokenCipher(config.tokenEncryptionKey),
      oauth,
      logger,
      onRevoked: revoked.notify,
    });
    tokens = installed;
    install = { clientId, authorizeUrl: HUBSPOT_AUTHORIZE_URL, oauth, tokens: installed };
  } else if (accessToken !== undefined && config.hubspot.portalId !== undefined) {
    tokens = createStaticTokenProvider(accessToken);
    // One organisation: its portal is served from the start, no install flow.
    await pool.query(
      `INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'private_app') ON CONFLICT (portal_id) DO NOTHING`,
      [config.hubspot.portalId],
    );
  } else {
    throw new Error('HubSpot credentials missing');
  }
  const hubspot = createHubSpotClients({
    baseUrl,
    tokens,
    ...(oauthApp ? { oauthApp } : {}),
    logger,
    ...fetchesOf(options.metrics).hubspot,
  });
  return {
    elevenlabs,
    hubspot,
    elevenLabsWebhookSecret: webhookSecret,
    hubspotClientSecret: clientSecret,
    sandbox: null,
    sandboxFakes: null,
    install,
    onPortalRevoked: revoked.set,
    stop: async () => {},
  };
}

type IntegrationOptions = Parameters<typeof createIntegrations>[0];

/**
 * The fakes this process starts, or with SANDBOX_FAKES_URL those another process serves (several processes on
 * one Postgres must share one set: see sandbox/shared-fakes.ts). Either way the production clients are pointed
 * at them the same way.
 */
async function createSandboxIntegrations(options: IntegrationOptions): Promise<Integrations> {
  const { config, pool, logger } = options;
  const fakes =
    config.sandboxFakesUrl === undefined
      ? await startLocalFakes(options)
      : await connectToFakes(config.sandboxFakesUrl, logger);
  // The engine's clock, which the fakes run on too: a test's, else the shared accelerated one, else real time.
  const engineClock = options.sandboxOptions?.clock ?? fakes.clock ?? undefined;
  try {
    const { info } = fakes;
    const { demoPortal } = info;
    await pool.query(
      `INSERT INTO portals (portal_id, name, auth_kind) VALUES ($1, $2, 'sandbox')
       ON CONFLICT (portal_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
      [demoPortal.portalId, demoPortal.name],
    );
    const revoked = revocationRelay(logger);
    const install = sandboxInstall(info, pool, logger, engineClock, revoked.notify);
    // The demo portal keeps the fake's fixed token; portals that install through OAuth use what they stored.
    const tokens = createSandboxTokenProvider({
      pool,
      installed: install.tokens,
      fixedToken: sandboxAccessToken,
    });
    const hubspot = createHubSpotClients({
      baseUrl: info.hubspotUrl,
      tokens,
      oauthApp: { clientId: info.secrets.hubspotClientId, clientSecret: info.secrets.hubspotClientSecret },
      logger,
      ...fetchesOf(options.metrics).hubspot,
    });
    const elevenlabs = createElevenLabsClient({
      apiKey: 'sandbox-key',
      baseUrl: info.elevenlabsUrl,
      logger,
      ...fetchesOf(options.metrics).elevenlabs,
    });
    return {
      elevenlabs,
      hubspot,
      elevenLabsWebhookSecret: info.secrets.elevenLabsWebhookSecret,
      hubspotClientSecret: info.secrets.hubspotClientSecret,
      sandbox: fakes.local,
      sandboxFakes: fakes,
      install,
      onPortalRevoked: revoked.set,
      stop: async () => fakes.local?.stop(),
    };
  } catch (error) {
    await fakes.local?.stop();
    throw error;
  }
}

/**
 * TOKEN_ENCRYPTION_KEY, when unset, is generated once and kept under DATA_DIR (like the embedded Postgres password)
 * rather than derived: the sandbox has no stable secret to derive it from (its client secret is random per start
 * unless set), and a key that changed across restarts would turn every stored token into a decryption error
 * instead of the clean "refresh refused, reinstall" the fake's forgotten tokens produce. Processes sharing these
 * fakes learn the same key from them.
 */
async function startLocalFakes(options: IntegrationOptions): Promise<SandboxFakes> {
  const { config, logger } = options;
  const key = config.tokenEncryptionKey
    ? parseEncryptionKey(config.tokenEncryptionKey)
    : await readOrCreateTokenKey(path.join(config.dataDir, SANDBOX_TOKEN_KEY_FILE));
  // SANDBOX_CLOCK_*: an accelerated clock for the engine and both fakes (a test's own clock may not be mixed in).
  const clock = clockFromConfig(config.sandboxClock);
  if (clock !== null && options.sandboxOptions?.clock !== undefined)
    throw new Error('SANDBOX_CLOCK_* and a test clock cannot both drive the sandbox');
  const timeScale = callTimeScale(config.sandboxClock, options.sandboxTimeScale);
  const sandbox = await startSandbox({
    ...options.sandboxOptions,
    ...(clock === null ? {} : { clock }),
    ...(config.elevenlabs.webhookSecret ? { elevenLabsWebhookSecret: config.elevenlabs.webhookSecret } : {}),
    ...(config.hubspot.clientSecret ? { hubspotClientSecret: config.hubspot.clientSecret } : {}),
    ...(config.hubspot.clientId ? { hubspotClientId: config.hubspot.clientId } : {}),
    ...(timeScale === undefined ? {} : { timeScale }),
    logger: logger.child({ component: 'sandbox' }),
  });
  return localFakes(sandbox, key, clock);
}

/**
 * The OAuth install against the fake HubSpot, through the production code: its consent page, token endpoint and
 * encrypted token store (under the key the fakes' info carries). Token lifetimes count on the engine's clock's
 * wire time, which the fake also expires tokens on, so a test's manual clock moves both together.
 */
function sandboxInstall(
  info: SandboxFakesInfo,
  pool: Pool,
  logger: Logger,
  engineClock: SandboxClock | undefined,
  onRevoked: RevocationListener,
): OAuthInstall {
  // Wire time: on the accelerated clock a token lives its 30 minutes of real time, as at the fake.
  const now = engineClock === undefined ? Date.now : () => wireNow(engineClock);
  const { hubspotClientId: clientId, hubspotClientSecret: clientSecret } = info.secrets;
  const oauth = createHubSpotOAuth({ baseUrl: info.hubspotUrl, clientId, clientSecret, logger, now });
  const tokens = new PortalTokenProvider({
    pool,
    cipher: createTokenCipher(info.tokenEncryptionKey),
    oauth,
    logger,
    now,
    onRevoked,
  });
  return { clientId, authorizeUrl: `${info.hubspotUrl}/oauth/authorize`, oauth, tokens };
}
