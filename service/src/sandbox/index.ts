import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import { createDemoPortal, DEMO_PORTAL_ID, type DemoList } from './demo-portal.js';
import { type FakeElevenLabs, startFakeElevenLabs } from './elevenlabs/fake-elevenlabs.js';
import type { SandboxClock } from './http-server.js';
import { type FakeHubSpot, startFakeHubSpot } from './hubspot/fake-hubspot.js';
import { fakesLinks } from './shared-fakes.js';

/**
 * Both fakes and the demo portal, started together: what `npm start` runs when no real account is configured.
 * Secrets given (ELEVENLABS_WEBHOOK_SECRET, HUBSPOT_CLIENT_SECRET) are used so a test can sign its own requests;
 * otherwise fresh random ones are generated.
 */

export type { DemoList, DemoPortal } from './demo-portal.js';
export { createDemoPortal, DEMO_PORTAL_ID, sandboxAccessToken } from './demo-portal.js';
export type { FakeElevenLabs, FakeElevenLabsOptions } from './elevenlabs/fake-elevenlabs.js';
export { startFakeElevenLabs } from './elevenlabs/fake-elevenlabs.js';
export type { FaultLogEntry, FaultSettings } from './elevenlabs/faults.js';
export { OUTCOME_WEIGHTS, SANDBOX_OUTCOMES, type SandboxOutcome } from './elevenlabs/outcomes.js';
export type { SandboxClock } from './http-server.js';
export type { FakeHubSpot, FakeHubSpotOptions } from './hubspot/fake-hubspot.js';
export { startFakeHubSpot } from './hubspot/fake-hubspot.js';
export type { HubSpotFaultLogEntry, HubSpotFaultSettings } from './hubspot/faults.js';
export { callTimeScale, clockFromConfig, SANDBOX_CLOCK_PATH } from './sandbox-clock.js';
export { sandboxProxyRoutes } from './sandbox-proxy-routes.js';
export {
  connectToFakes,
  fakesLinks,
  localFakes,
  SANDBOX_FAKES_PATH,
  type SandboxFakes,
  type SandboxFakesInfo,
  sharedFakesRoutes,
} from './shared-fakes.js';

export interface SandboxOptions {
  /** Where the fake ElevenLabs posts its webhooks (the service's /webhooks/elevenlabs); settable later. */
  readonly webhookUrl?: string;
  readonly elevenLabsWebhookSecret?: string;
  readonly hubspotClientSecret?: string;
  readonly hubspotClientId?: string;
  readonly seed?: number;
  readonly timeScale?: number;
  readonly concurrencyLimit?: number;
  readonly hubspotRateLimit?: { max: number; windowMs: number } | false;
  readonly clock?: SandboxClock;
  /** Organisations beyond the second, not connected until they install (SANDBOX_EXTRA_PORTALS). */
  readonly extraPortals?: number;
  readonly logger: Logger;
}

/** Names of the extra organisations, in order (SECOND_PORTAL_ID + 1, + 2, ...). */
const EXTRA_PORTAL_NAMES = [
  'Harbor Arts Council (sandbox)',
  'Prairie Literacy Fund (sandbox)',
  'Summit Youth Orchestra (sandbox)',
  'Delta River Trust (sandbox)',
];
export const MAX_EXTRA_PORTALS = EXTRA_PORTAL_NAMES.length;
/**
 * How far an extra portal's phone lines sit from the demo portal's: its small lists and the first thousand of
 * its 100k list get numbers no other portal has, so the fakes' records tell the organisations apart by number.
 */
const EXTRA_PORTAL_LINE_STEP = 500;

/** The sandbox's second organisation (see secondPortal). */
export const SECOND_PORTAL_ID = DEMO_PORTAL_ID + 1;

export interface Sandbox {
  readonly elevenlabs: FakeElevenLabs;
  /** A second HubSpot account in the fake, not connected until it installs the app (OAuth). */
  readonly secondPortal: {
    readonly portalId: number;
    readonly name: string;
    readonly accessToken: string;
    readonly lists: readonly Pick<DemoList, 'listId' | 'name' | 'size'>[];
  };
  /** More organisations (SandboxOptions.extraPortals), each with numbers of its own. */
  readonly extraPortals: readonly Sandbox['secondPortal'][];
  readonly hubspot: FakeHubSpot;
  readonly secrets: {
    readonly elevenLabsWebhookSecret: string;
    readonly hubspotClientSecret: string;
    readonly hubspotClientId: string;
  };
  readonly demoPortal: {
    readonly portalId: number;
    readonly name: string;
    readonly accessToken: string;
    readonly lists: readonly Pick<DemoList, 'listId' | 'name' | 'size'>[];
    readonly agentId: string;
    readonly phoneNumberId: string;
    readonly sipPhoneNumberId: string;
  };
  /** Pages a person can open to see what the outside world saw. */
  readonly links: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const randomSecret = () => randomBytes(24).toString('base64url');

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const secrets = {
    elevenLabsWebhookSecret: options.elevenLabsWebhookSecret ?? `wsec_${randomSecret()}`,
    hubspotClientSecret: options.hubspotClientSecret ?? randomSecret(),
    hubspotClientId: options.hubspotClientId ?? 'sandbox-client-id',
  };
  const portal = createDemoPortal({ seed });
  // A second organisation, not connected at start: it connects through the OAuth install flow, and tests use it
  // to check that one portal never sees another's data.
  const second = createDemoPortal({
    seed: seed + 1,
    portalId: SECOND_PORTAL_ID,
    name: 'Lakeside Animal Rescue (sandbox)',
  });
  const extras = EXTRA_PORTAL_NAMES.slice(0, options.extraPortals ?? 0).map((name, i) =>
    createDemoPortal({
      seed: seed + 2 + i,
      portalId: SECOND_PORTAL_ID + 1 + i,
      name,
      lineOffset: EXTRA_PORTAL_LINE_STEP * (i + 1),
    }),
  );
  const elevenlabs = await startFakeElevenLabs({
    ...(options.webhookUrl === undefined ? {} : { webhookUrl: options.webhookUrl }),
    webhookSecret: secrets.elevenLabsWebhookSecret,
    seed,
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    ...(options.concurrencyLimit === undefined ? {} : { concurrencyLimit: options.concurrencyLimit }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    logger: options.logger,
  });
  let hubspot: FakeHubSpot;
  try {
    hubspot = await startFakeHubSpot({
      clientId: secrets.hubspotClientId,
      clientSecret: secrets.hubspotClientSecret,
      portals: [portal, second, ...extras],
      seed,
      ...(options.hubspotRateLimit === undefined ? {} : { rateLimit: options.hubspotRateLimit }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      logger: options.logger,
    });
  } catch (error) {
    await elevenlabs.stop();
    throw error;
  }
  const described = (p: typeof second) => ({
    portalId: p.portalId,
    name: p.name,
    accessToken: p.accessToken,
    lists: p.lists.map(({ listId, name, size }) => ({ listId, name, size })),
  });
  return {
    elevenlabs,
    hubspot,
    secrets,
    secondPortal: described(second),
    extraPortals: extras.map(described),
    demoPortal: {
      portalId: portal.portalId,
      name: portal.name,
      accessToken: portal.accessToken,
      lists: portal.lists.map(({ listId, name, size }) => ({ listId, name, size })),
      agentId: elevenlabs.agentId,
      phoneNumberId: elevenlabs.twilioPhoneNumberId,
      sipPhoneNumberId: elevenlabs.sipPhoneNumberId,
    },
    links: fakesLinks({ elevenlabsUrl: elevenlabs.url, hubspotUrl: hubspot.url }),
    stop: async () => {
      await Promise.all([elevenlabs.stop(), hubspot.stop()]);
    },
  };
}

/**
 * The start-up banner: loud, so nobody mistakes the sandbox for production, with the pages worth opening.
 * With the service's URL the links go through its /__sandbox proxy (stable), else straight to the fakes.
 * Takes the fakes this process started (a Sandbox) or the info of fakes another process serves.
 */
export function sandboxBanner(
  sandbox: { readonly demoPortal: Sandbox['demoPortal']; readonly links: Readonly<Record<string, string>> },
  serviceUrl?: string,
): string {
  const { demoPortal } = sandbox;
  const links =
    serviceUrl === undefined
      ? sandbox.links
      : {
          elevenlabs: `${serviceUrl}/__sandbox/elevenlabs`,
          dials: `${serviceUrl}/__sandbox/elevenlabs/dials`,
          webhooks: `${serviceUrl}/__sandbox/elevenlabs/webhooks`,
          hubspot: `${serviceUrl}/__sandbox/hubspot`,
          lists: `${serviceUrl}/__sandbox/hubspot/lists`,
          calls: `${serviceUrl}/__sandbox/hubspot/calls`,
        };
  return [
    '',
    '  ==================================================================',
    '   SANDBOX MODE: fake ElevenLabs and fake HubSpot on this machine.',
    '   No real call is placed and no real CRM is touched.',
    '  ==================================================================',
    `   Demo portal     ${demoPortal.name} (portal ${demoPortal.portalId})`,
    ...demoPortal.lists.map((l) => `     list ${l.listId.padEnd(6)} ${l.name} (${l.size} contacts)`),
    `   Agent           ${demoPortal.agentId}`,
    `   Caller number   ${demoPortal.phoneNumberId}`,
    `   ElevenLabs      ${links.elevenlabs}`,
    `     dials         ${links.dials}`,
    `     webhooks      ${links.webhooks}`,
    `   HubSpot         ${links.hubspot}`,
    `     lists         ${links.lists}`,
    `     calls         ${links.calls}`,
    '',
  ].join('\n');
}
