import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import { listenOnLoopback, type SandboxClock, sendPage, systemClock } from '../http-server.js';
import { elevenLabsJsonErrorHandler } from './api-errors.js';
import type { ReadRecord } from './api-faults.js';
import { elevenLabsApiRoutes, type RejectedDialRecord } from './api-routes.js';
import { CallSimulator, type DialRecord } from './calls.js';
import { SANDBOX_AGENTS, SANDBOX_PHONE_NUMBERS } from './catalog.js';
import {
  applyFaultSettings,
  describeFaults,
  type FaultLogEntry,
  type FaultSettings,
  faultLogger,
  faultSettingsSchema,
  noFaults,
} from './faults.js';
import { OUTCOME_WEIGHTS, SANDBOX_OUTCOMES, type SandboxOutcome } from './outcomes.js';
import { type WebhookDeliveryRecord, WebhookSender } from './webhooks.js';
import { conversationWire } from './wire.js';

/**
 * A fake ElevenLabs on loopback: the real SDK (`baseUrl`) dials through it, it plays each call out in scaled time
 * and posts a signed webhook, and it keeps a record of everything at /__sandbox/elevenlabs/… .
 */

export interface FakeElevenLabsOptions {
  /** Where to POST the signed webhooks; can be set later with setWebhookUrl. */
  readonly webhookUrl?: string;
  readonly webhookSecret: string;
  /** Calls allowed in flight at once (the plan's concurrency); a dial beyond it gets the real 429. */
  readonly concurrencyLimit?: number;
  /** Real seconds per simulated second: 0.01 plays a 100 s call in 1 s. */
  readonly timeScale?: number;
  readonly seed?: number;
  /** Timestamps (start times, the signature's `t`); call durations run on real timers × timeScale. */
  readonly clock?: SandboxClock;
  /** When set, `xi-api-key` must equal it. */
  readonly apiKey?: string;
  readonly port?: number;
  readonly logger: Logger;
}

export interface FakeElevenLabsRecord {
  /** Every call placed (a dial answered with an injected 5xx included). */
  readonly dials: DialRecord[];
  /** Dials refused before placing: 429 at capacity, 4xx for a bad agent, number or provider. */
  readonly rejectedDials: RejectedDialRecord[];
  /** Every webhook delivery attempt, and every one dropped on purpose. */
  readonly webhooks: WebhookDeliveryRecord[];
  /** Every conversation read (GET one, or a listing), with the status it got. */
  readonly reads: ReadRecord[];
  /** Every fault that fired, in order. */
  readonly faultLog: FaultLogEntry[];
}

export interface FakeElevenLabs {
  readonly url: string;
  readonly webhookSecret: string;
  readonly agentId: string;
  readonly twilioPhoneNumberId: string;
  readonly sipPhoneNumberId: string;
  readonly record: FakeElevenLabsRecord;
  readonly inFlight: number;
  /** The most calls ever in flight at once. */
  readonly maxConcurrent: number;
  readonly concurrencyLimit: number;
  /** Real seconds per simulated call second. */
  readonly timeScale: number;
  setWebhookUrl(url: string): void;
  setFaults(settings: FaultSettings): void;
  resetFaults(): void;
  /** The next dials of this number end this way, in order; the last outcome then repeats. */
  script(toNumber: string, outcomes: SandboxOutcome | readonly SandboxOutcome[]): void;
  clearScripts(): void;
  /** The conversation as GET /v1/convai/conversations/{id} returns it. */
  conversation(conversationId: string): ReturnType<typeof conversationWire> | undefined;
  /** Ends every call in flight now; resolves when their webhooks are delivered. */
  settleAll(): Promise<void>;
  /** Resolves when no call is in flight and no webhook is on its way. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const outcomeSchema = z.enum(SANDBOX_OUTCOMES);
const scriptBodySchema = z.union([
  z.object({ toNumber: z.string().min(1), outcome: outcomeSchema }),
  z.object({ toNumber: z.string().min(1), outcomes: z.array(outcomeSchema) }),
]);

function sandboxRoutes(
  fake: () => FakeElevenLabs,
  simulator: CallSimulator,
  faults: ReturnType<typeof noFaults>,
) {
  const router = Router();
  const base = '/__sandbox/elevenlabs';
  router.use('/__sandbox', express.json());
  router.get('/__sandbox', (_req, res) => {
    res.json({
      service: 'fake ElevenLabs (sandbox)',
      links: {
        dials: `${base}/dials`,
        rejectedDials: `${base}/rejected-dials`,
        webhooks: `${base}/webhooks`,
        reads: `${base}/reads`,
        faultLog: `${base}/fault-log`,
        callsInFlight: `${base}/calls-in-flight`,
        faults: `${base}/faults (GET; POST {rule: {next, fraction}, ...settings}; DELETE resets)`,
        script: `${base}/script (POST {toNumber, outcome})`,
        outcomes: `${base}/outcomes`,
        settle: `${base}/settle (POST)`,
        agents: '/v1/convai/agents',
        phoneNumbers: '/v1/convai/phone-numbers',
      },
      note: 'API routes need any non-empty xi-api-key header.',
    });
  });
  router.get(`${base}/dials`, (req, res) => sendPage(res, fake().record.dials, req.query));
  router.get(`${base}/rejected-dials`, (req, res) => sendPage(res, fake().record.rejectedDials, req.query));
  router.get(`${base}/webhooks`, (req, res) => sendPage(res, fake().record.webhooks, req.query));
  router.get(`${base}/reads`, (req, res) => sendPage(res, fake().record.reads, req.query));
  router.get(`${base}/fault-log`, (req, res) => sendPage(res, fake().record.faultLog, req.query));
  router.get(`${base}/calls-in-flight`, (_req, res) =>
    res.json({ current: simulator.inFlight, max: simulator.maxInFlight, limit: fake().concurrencyLimit }),
  );
  router.get(`${base}/outcomes`, (_req, res) =>
    res.json({ outcomes: SANDBOX_OUTCOMES, weights: OUTCOME_WEIGHTS }),
  );
  router.get(`${base}/faults`, (_req, res) => res.json(describeFaults(faults)));
  router.post(`${base}/faults`, (req, res) => {
    const parsed = faultSettingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.status(400).json({ error: z.prettifyError(parsed.error) });
    applyFaultSettings(faults, parsed.data);
    return res.json(describeFaults(faults));
  });
  router.delete(`${base}/faults`, (_req, res) => {
    Object.assign(faults, noFaults());
    res.json(describeFaults(faults));
  });
  router.post(`${base}/script`, (req, res) => {
    const parsed = scriptBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.status(400).json({ error: z.prettifyError(parsed.error) });
    const body = parsed.data;
    simulator.script(body.toNumber, 'outcome' in body ? [body.outcome] : body.outcomes);
    return res.status(204).end();
  });
  router.post(`${base}/settle`, async (_req, res) => {
    await simulator.settleAll();
    res.status(204).end();
  });
  return router;
}

export async function startFakeElevenLabs(options: FakeElevenLabsOptions): Promise<FakeElevenLabs> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const concurrencyLimit = options.concurrencyLimit ?? 20;
  const timeScale = options.timeScale ?? 0.01;
  const logger = options.logger.child({ component: 'sandbox-elevenlabs' });
  const record: FakeElevenLabsRecord = {
    dials: [],
    rejectedDials: [],
    webhooks: [],
    reads: [],
    faultLog: [],
  };
  const faults = noFaults();
  const logFault = faultLogger(record.faultLog, clock);
  const sender = new WebhookSender(
    { secret: options.webhookSecret, clock, logger, record: record.webhooks },
    options.webhookUrl,
  );
  const simulator = new CallSimulator({
    seed,
    timeScale,
    clock,
    logger,
    sender,
    faults,
    dials: record.dials,
    logFault,
  });

  let fake: FakeElevenLabs | undefined;
  const stopping = new AbortController();
  const app = express();
  app.disable('x-powered-by');
  app.use(
    elevenLabsApiRoutes({
      simulator,
      faults,
      seed,
      clock,
      concurrencyLimit,
      apiKey: options.apiKey,
      rejectedDials: record.rejectedDials,
      reads: record.reads,
      logFault,
      stopping: stopping.signal,
    }),
  );
  app.use(sandboxRoutes(() => fake as FakeElevenLabs, simulator, faults));
  app.use((_req: Request, res: Response) => res.status(404).json({ detail: 'Not Found' }));
  app.use(elevenLabsJsonErrorHandler);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err }, 'sandbox ElevenLabs route failed');
    res.status(500).json({ detail: { status: 'internal_server_error', message: 'sandbox error' } });
  });

  const server = await listenOnLoopback(app, options.port);
  const [agent] = SANDBOX_AGENTS;
  const [twilio, sip] = SANDBOX_PHONE_NUMBERS;
  if (!agent || !twilio || !sip) throw new Error('sandbox catalog is empty');

  fake = {
    url: server.url,
    webhookSecret: options.webhookSecret,
    agentId: agent.agentId,
    twilioPhoneNumberId: twilio.phoneNumberId,
    sipPhoneNumberId: sip.phoneNumberId,
    record,
    get inFlight() {
      return simulator.inFlight;
    },
    get maxConcurrent() {
      return simulator.maxInFlight;
    },
    concurrencyLimit,
    timeScale,
    setWebhookUrl: (url) => {
      sender.url = url;
    },
    setFaults: (settings) => applyFaultSettings(faults, settings),
    resetFaults: () => Object.assign(faults, noFaults()),
    script: (toNumber, outcomes) =>
      simulator.script(toNumber, typeof outcomes === 'string' ? [outcomes] : outcomes),
    clearScripts: () => simulator.clearScripts(),
    conversation: (id) => {
      const call = simulator.get(id);
      return call ? conversationWire(call) : undefined;
    },
    settleAll: () => simulator.settleAll(),
    idle: () => simulator.idle(),
    stop: async () => {
      stopping.abort();
      simulator.stop();
      await server.stop();
    },
  };
  logger.info({ url: server.url, concurrencyLimit, seed }, 'fake ElevenLabs listening');
  return fake;
}
