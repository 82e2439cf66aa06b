import type { Config } from './config/config.js';
import type { Pool } from './db/pool.js';
import { createElevenLabsClient, type ElevenLabsApi } from './elevenlabs/index.js';
import {
  createHubSpotClients,
  createHubSpotOAuth,
  createStaticTokenProvider,
  createTokenCipher,
  type HubSpotClients,
  PortalTokenProvider,
  type TokenProvider,
} from './hubspot/index.js';
import type { Logger } from './logger.js';
import { type Sandbox, type SandboxOptions, sandboxAccessToken, startSandbox } from './sandbox/index.js';

/** The outside world as the rest of the service sees it: real accounts, or the sandbox's fakes. */
export interface Integrations {
  readonly elevenlabs: ElevenLabsApi;
  readonly hubspot: HubSpotClients;
  /** Verifies ElevenLabs post-call webhooks. */
  readonly elevenLabsWebhookSecret: string;
  /** Verifies requests signed by HubSpot (cards, workflow actions); undefined for a private-app setup. */
  readonly hubspotClientSecret: string | undefined;
  /** Set in sandbox mode: the fakes, their records and the demo portal. */
  readonly sandbox: Sandbox | null;
  stop(): Promise<void>;
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
}): Promise<Integrations> {
  const { config, pool, logger } = options;
  if (config.sandbox) return createSandboxIntegrations(options);

  const apiKey = config.elevenlabs.apiKey;
  const webhookSecret = config.elevenlabs.webhookSecret;
  if (apiKey === undefined || webhookSecret === undefined) throw new Error('ElevenLabs credentials missing');
  const elevenlabs = createElevenLabsClient({ apiKey, baseUrl: config.elevenlabs.baseUrl, logger });

  const { clientId, clientSecret, accessToken, baseUrl } = config.hubspot;
  let tokens: TokenProvider;
  let oauthApp: { clientId: string; clientSecret: string } | undefined;
  if (clientId !== undefined && clientSecret !== undefined && config.tokenEncryptionKey !== undefined) {
    oauthApp = { clientId, clientSecret };
    const oauth = createHubSpotOAuth({ baseUrl, clientId, clientSecret, logger });
    tokens = new PortalTokenProvider({
      pool,
      cipher: createTokenCipher(config.tokenEncryptionKey),
      oauth,
      logger,
    });
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
  const hubspot = createHubSpotClients({ baseUrl, tokens, ...(oauthApp ? { oauthApp } : {}), logger });
  return {
    elevenlabs,
    hubspot,
    elevenLabsWebhookSecret: webhookSecret,
    hubspotClientSecret: clientSecret,
    sandbox: null,
    stop: async () => {},
  };
}

async function createSandboxIntegrations(options: {
  config: Config;
  pool: Pool;
  logger: Logger;
  sandboxTimeScale?: number;
  sandboxOptions?: Partial<SandboxOptions>;
}): Promise<Integrations> {
  const { config, pool, logger } = options;
  const sandbox = await startSandbox({
    ...options.sandboxOptions,
    ...(config.elevenlabs.webhookSecret ? { elevenLabsWebhookSecret: config.elevenlabs.webhookSecret } : {}),
    ...(config.hubspot.clientSecret ? { hubspotClientSecret: config.hubspot.clientSecret } : {}),
    ...(config.hubspot.clientId ? { hubspotClientId: config.hubspot.clientId } : {}),
    ...(options.sandboxTimeScale === undefined ? {} : { timeScale: options.sandboxTimeScale }),
    logger: logger.child({ component: 'sandbox' }),
  });
  try {
    const { demoPortal } = sandbox;
    await pool.query(
      `INSERT INTO portals (portal_id, name, auth_kind) VALUES ($1, $2, 'sandbox')
       ON CONFLICT (portal_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
      [demoPortal.portalId, demoPortal.name],
    );
    // The fake HubSpot issues one deterministic token per portal; any sandbox portal can be served.
    const tokens: TokenProvider = { getAccessToken: async (portalId) => sandboxAccessToken(portalId) };
    const hubspot = createHubSpotClients({
      baseUrl: sandbox.hubspot.url,
      tokens,
      oauthApp: {
        clientId: sandbox.secrets.hubspotClientId,
        clientSecret: sandbox.secrets.hubspotClientSecret,
      },
      logger,
    });
    const elevenlabs = createElevenLabsClient({
      apiKey: 'sandbox-key',
      baseUrl: sandbox.elevenlabs.url,
      logger,
    });
    return {
      elevenlabs,
      hubspot,
      elevenLabsWebhookSecret: sandbox.secrets.elevenLabsWebhookSecret,
      hubspotClientSecret: sandbox.secrets.hubspotClientSecret,
      sandbox,
      stop: () => sandbox.stop(),
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
