import type { Config } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { ServiceDeps } from '../core/deps.js';
import type { Integrations } from '../integrations.js';

/**
 * What the HubSpot-facing routes and jobs (the signed /api, OAuth install, the workflow action, HubSpot webhooks)
 * share: the engine's dependencies, the integrations (OAuth client, token store, sandbox), the config, and what a
 * signature check needs.
 */
export interface HubSpotSurfaceContext {
  readonly deps: ServiceDeps;
  readonly integrations: Integrations;
  readonly config: Config;
  /** The HubSpot app's client secret (signature checks); undefined rejects every signed route. */
  readonly clientSecret: string | undefined;
  /** The public base URL HubSpot calls us at (PUBLIC_URL, else the listening URL), known once HTTP listens. */
  readonly publicUrl: () => string;
  readonly clock: Clock;
}
