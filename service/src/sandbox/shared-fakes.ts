import express, { Router } from 'express';
import { z } from 'zod';
import type { AcceleratedClock } from '../core/accelerated-clock.js';
import type { Logger } from '../logger.js';
import type { Sandbox } from './index.js';
import { clockDefinitionSchema, clockRoutes, followClock } from './sandbox-clock.js';

/**
 * Sandbox fakes as a service process sees them: started by this process, or served by another one (the web or
 * `all` process, or `npm run sandbox:fakes`) and reached over loopback HTTP through SANDBOX_FAKES_URL. Several
 * processes on one Postgres must share ONE fake ElevenLabs and ONE fake HubSpot: with a fake per process, each
 * would see only its own dials, so no fake could tell whether the account's concurrency cap held, and webhooks
 * from a worker's fake would have no web process to reach.
 */

const portalSchema = z.object({
  portalId: z.number().int(),
  name: z.string(),
  accessToken: z.string(),
  lists: z.array(z.object({ listId: z.string(), name: z.string(), size: z.number().int() })),
});

/** What `GET /__sandbox/fakes` answers: everything a process needs to use fakes it did not start. */
export const sandboxFakesInfoSchema = z.object({
  elevenlabsUrl: z.url(),
  hubspotUrl: z.url(),
  /** Real seconds per simulated call second: the engine looks at calls on the fake's clock (providerTimeScale). */
  timeScale: z.number().positive(),
  secrets: z.object({
    elevenLabsWebhookSecret: z.string().min(1),
    hubspotClientSecret: z.string().min(1),
    hubspotClientId: z.string().min(1),
  }),
  /**
   * The key installed portals' tokens are stored under (hex). Every process sharing these fakes must use the same
   * one, or a token stored by the web process would be a decryption error in a worker.
   */
  tokenEncryptionKey: z.string().regex(/^[0-9a-f]{64}$/),
  demoPortal: portalSchema.extend({
    agentId: z.string(),
    phoneNumberId: z.string(),
    sipPhoneNumberId: z.string(),
  }),
  secondPortal: portalSchema,
  /** More organisations, not connected until they install (SANDBOX_EXTRA_PORTALS), each with numbers of its own. */
  extraPortals: z.array(portalSchema).default([]),
  /**
   * The accelerated clock every process of the run shares (SANDBOX_CLOCK_*), as it stands when asked; null: real
   * time. Processes build their engine clock from it (sandbox-clock.ts).
   */
  clock: clockDefinitionSchema.nullable().default(null),
});

export type SandboxFakesInfo = z.infer<typeof sandboxFakesInfoSchema>;

export interface SandboxFakes {
  readonly info: SandboxFakesInfo;
  /** The fakes themselves when this process started them; null when another process serves them. */
  readonly local: Sandbox | null;
  /** The shared accelerated clock (this process's own, or following the fakes' process); null: real time. */
  readonly clock: AcceleratedClock | null;
  /** Where the service listens: ElevenLabs' post-call webhooks and HubSpot's signed calls go there. */
  setServiceUrl(url: string): Promise<void>;
}

export const SANDBOX_FAKES_PATH = '/__sandbox/fakes';

/**
 * Fakes this process started; `tokenKey` is the key this process stores sandbox portals' tokens under, `clock`
 * the accelerated clock they run on (if any).
 */
export function localFakes(
  sandbox: Sandbox,
  tokenKey: Buffer,
  clock: AcceleratedClock | null = null,
): SandboxFakes {
  const { demoPortal, secondPortal, extraPortals, secrets } = sandbox;
  const copy = (p: Sandbox['secondPortal']) => ({ ...p, lists: p.lists.map((l) => ({ ...l })) });
  return {
    info: {
      elevenlabsUrl: sandbox.elevenlabs.url,
      hubspotUrl: sandbox.hubspot.url,
      timeScale: sandbox.elevenlabs.timeScale,
      secrets: { ...secrets },
      tokenEncryptionKey: tokenKey.toString('hex'),
      demoPortal: { ...demoPortal, lists: demoPortal.lists.map((l) => ({ ...l })) },
      secondPortal: copy(secondPortal),
      extraPortals: extraPortals.map(copy),
      clock: clock?.definition() ?? null,
    },
    local: sandbox,
    clock,
    setServiceUrl: async (url) => {
      sandbox.elevenlabs.setWebhookUrl(`${url}/webhooks/elevenlabs`);
      sandbox.hubspot.setServiceUrl(url);
    },
  };
}

const serviceUrlBody = z.object({ url: z.url({ protocol: /^https?$/ }) });

/**
 * `GET /__sandbox/fakes` (the info above) and `PUT /__sandbox/fakes/service-url {"url"}` (where webhooks go). The
 * caller mounts these behind the loopback-only guard: the answer holds the sandbox's secrets.
 */
export function sharedFakesRoutes(fakes: SandboxFakes): Router {
  const router = Router();
  router.get(SANDBOX_FAKES_PATH, (_req, res) => {
    // The clock as it stands now: a held clock's epoch is set once it runs.
    res.json({ ...fakes.info, clock: fakes.clock?.definition() ?? null });
  });
  router.use(clockRoutes(() => fakes.clock, fakes.local !== null));
  router.put(`${SANDBOX_FAKES_PATH}/service-url`, express.json(), async (req, res, next) => {
    const parsed = serviceUrlBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'url: expected an http(s) URL', field: 'url' });
      return;
    }
    try {
      await fakes.setServiceUrl(parsed.data.url.replace(/\/+$/, ''));
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** How long a process waits for the fakes' process to answer (compose may start it a little later). */
const CONNECT_WAIT_MS = 60_000;

/**
 * Fakes another process serves at `baseUrl`: their info, read once at start-up (retried while that process is
 * still starting), and the route that points their webhooks at us.
 */
export async function connectToFakes(
  baseUrl: string,
  logger: Logger,
  waitMs = CONNECT_WAIT_MS,
): Promise<SandboxFakes> {
  const infoUrl = `${baseUrl}${SANDBOX_FAKES_PATH}`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    const answer = await readInfo(infoUrl);
    if (typeof answer !== 'string') {
      logger.info({ fakes: baseUrl, elevenlabs: answer.elevenlabsUrl }, 'using shared sandbox fakes');
      return remoteFakes(baseUrl, answer, logger);
    }
    if (Date.now() > deadline) throw fakesError(infoUrl, answer);
    if (attempt === 1)
      logger.info({ fakes: baseUrl, failure: answer }, 'waiting for the shared sandbox fakes');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The info, or why it is not there yet (worth another try); throws when waiting cannot help. */
async function readInfo(infoUrl: string): Promise<SandboxFakesInfo | string> {
  let res: Response;
  try {
    res = await fetch(infoUrl, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    return error instanceof Error ? error.message : String(error); // not listening yet
  }
  // Not from loopback (403), or not a sandbox process (404): no amount of waiting changes that.
  if (res.status === 403 || res.status === 404) throw fakesError(infoUrl, `HTTP ${res.status}`);
  if (!res.ok) return `HTTP ${res.status}`;
  const parsed = sandboxFakesInfoSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw fakesError(infoUrl, "the answer is not the fakes' info");
  return parsed.data;
}

function fakesError(infoUrl: string, failure: string): Error {
  return new Error(
    `SANDBOX_FAKES_URL: no sandbox fakes answer at ${infoUrl} (${failure}); start them first ` +
      '(`npm run sandbox:fakes`, or a sandbox web/all process without SANDBOX_FAKES_URL) on this machine',
  );
}

function remoteFakes(baseUrl: string, info: SandboxFakesInfo, logger: Logger): SandboxFakes {
  return {
    info,
    local: null,
    clock: info.clock === null ? null : followClock(baseUrl, info.clock, logger),
    setServiceUrl: async (url) => {
      const res = await fetch(`${baseUrl}${SANDBOX_FAKES_PATH}/service-url`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`the shared sandbox fakes refused our URL: HTTP ${res.status}`);
    },
  };
}

/** The pages worth opening, straight on the fakes' own ports. */
export function fakesLinks(info: Pick<SandboxFakesInfo, 'elevenlabsUrl' | 'hubspotUrl'>) {
  return {
    elevenlabs: `${info.elevenlabsUrl}/__sandbox`,
    dials: `${info.elevenlabsUrl}/__sandbox/elevenlabs/dials`,
    webhooks: `${info.elevenlabsUrl}/__sandbox/elevenlabs/webhooks`,
    hubspot: `${info.hubspotUrl}/__sandbox/hubspot`,
    lists: `${info.hubspotUrl}/__sandbox/hubspot/lists`,
    calls: `${info.hubspotUrl}/__sandbox/hubspot/calls`,
  };
}
