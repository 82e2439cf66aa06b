import { setTimeout as delay } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { isoAt, type SandboxClock } from '../http-server.js';
import { detail, validationError } from './api-errors.js';
import { type ApiFaultContext, dialFault, readFaults } from './api-faults.js';
import type { CallSimulator, DialRecord } from './calls.js';
import {
  agentDetailWire,
  agentSummaryWire,
  findAgent,
  findPhoneNumber,
  phoneNumberWire,
  SANDBOX_AGENTS,
  SANDBOX_PHONE_NUMBERS,
  SANDBOX_VOICES,
  silentMp3,
  voiceWire,
} from './catalog.js';
import { type FaultState, faultFires } from './faults.js';
import { conversationSummaryWire, conversationWire } from './wire.js';

/** The /v1 routes of the fake ElevenLabs, answering in the real API's wire shapes and error bodies. */

export interface RejectedDialRecord {
  readonly at: string;
  readonly atMs: number;
  readonly endpoint: 'twilio' | 'sip_trunk';
  readonly toNumber: string | null;
  readonly status: number;
  readonly reason: string;
  /** The Retry-After sent with a 429, in ms; null without one. */
  readonly retryAfterMs: number | null;
}

export interface ElevenLabsApiContext extends ApiFaultContext {
  readonly simulator: CallSimulator;
  readonly faults: FaultState;
  /** Decides which dials a `rejectDial` fault refuses (the same run refuses the same dials). */
  readonly seed: number;
  readonly clock: SandboxClock;
  readonly concurrencyLimit: number;
  /** When set, `xi-api-key` must equal it; otherwise any non-empty key is accepted. */
  readonly apiKey: string | undefined;
  readonly rejectedDials: RejectedDialRecord[];
}

const dynamicValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown())]);
const clientDataSchema = z.looseObject({
  user_id: z.string().nullish(),
  dynamic_variables: z.record(z.string(), dynamicValue).nullish(),
  conversation_config_override: z.record(z.string(), z.unknown()).nullish(),
  custom_llm_extra_body: z.record(z.string(), z.unknown()).nullish(),
});
const dialBodySchema = z.object({
  agent_id: z.string(),
  agent_phone_number_id: z.string(),
  to_number: z.string(),
  conversation_initiation_client_data: clientDataSchema.nullish(),
  call_recording_enabled: z.boolean().nullish(),
  telephony_call_config: z.looseObject({ ringing_timeout_secs: z.number().int().min(1).nullish() }).nullish(),
});

const E164 = /^\+[1-9]\d{7,14}$/;

const listConversationsQuery = z.object({
  agent_id: z.string().optional(),
  user_id: z.string().optional(),
  call_start_after_unix: z.coerce.number().int().optional(),
  call_start_before_unix: z.coerce.number().int().optional(),
  cursor: z.string().optional(),
  page_size: z.coerce.number().int().min(1).max(100).default(30),
});

const ttsBodySchema = z.looseObject({ text: z.string().min(1), model_id: z.string().nullish() });

function requireApiKey(ctx: ElevenLabsApiContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('xi-api-key');
    if (key === undefined || key === '') {
      return detail(
        res,
        401,
        'needs_authorization',
        'Neither authorization header nor xi-api-key received, please provide one.',
      );
    }
    if (ctx.apiKey !== undefined && key !== ctx.apiKey)
      return detail(res, 401, 'invalid_api_key', 'Invalid API key');
    next();
  };
}

/** The wire answers of a `rejectDial` fault, by status (what ElevenLabs says for each). */
const REJECTIONS: Record<FaultState['rejectDialStatus'], { code: string; message: string }> = {
  400: { code: 'invalid_request', message: 'The phone number could not be used for this call.' },
  401: { code: 'invalid_api_key', message: 'Invalid API key' },
  402: { code: 'quota_exceeded', message: 'This request exceeds your quota. Your balance is exhausted.' },
  403: { code: 'forbidden', message: 'You do not have access to this phone number.' },
  404: { code: 'phone_number_not_found', message: 'Phone number not found' },
};

function dialHandler(ctx: ElevenLabsApiContext, endpoint: 'twilio' | 'sip_trunk') {
  /** Dials seen per number: the `rejectDial` fault's occasion. */
  const seen = new Map<string, number>();
  return async (req: Request, res: Response) => {
    const reject = (
      status: number,
      code: string,
      message: string,
      toNumber: string | null,
      retryAfterSeconds: number | null = null,
    ) => {
      const atMs = ctx.clock.now();
      const retryAfterMs = retryAfterSeconds === null ? null : retryAfterSeconds * 1000;
      ctx.rejectedDials.push({
        at: isoAt(atMs),
        atMs,
        endpoint,
        toNumber,
        status,
        reason: code,
        retryAfterMs,
      });
      if (retryAfterSeconds !== null) res.set('Retry-After', String(retryAfterSeconds));
      return detail(res, status, code, message);
    };
    if (req.body === undefined) {
      return res
        .status(422)
        .json({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
    }
    const parsed = dialBodySchema.safeParse(req.body, { reportInput: true });
    if (!parsed.success) return validationError(res, parsed.error);
    const body = parsed.data;
    if (!E164.test(body.to_number)) {
      return reject(
        400,
        'invalid_phone_number',
        `to_number ${body.to_number} is not a valid E.164 number`,
        body.to_number,
      );
    }
    const agent = findAgent(body.agent_id);
    if (!agent) return reject(404, 'agent_not_found', `Agent ${body.agent_id} not found`, body.to_number);
    const phone = findPhoneNumber(body.agent_phone_number_id);
    if (!phone) {
      return reject(
        404,
        'phone_number_not_found',
        `Phone number ${body.agent_phone_number_id} not found`,
        body.to_number,
      );
    }
    if (phone.provider !== endpoint) {
      const message =
        endpoint === 'twilio'
          ? `We are missing some Twilio credentials for the number ${phone.phoneNumber}. Please delete and re-create it.`
          : `Phone number ${phone.phoneNumber} is not a SIP trunk number.`;
      return reject(400, 'invalid_provider_config', message, body.to_number);
    }
    const nth = seen.get(body.to_number) ?? 0;
    seen.set(body.to_number, nth + 1);
    const occasion = `${body.to_number}#${nth}`;
    const storm = dialFault(ctx, body.to_number, occasion);
    if (storm)
      return reject(storm.status, storm.code, storm.message, body.to_number, storm.retryAfterSeconds);
    if (faultFires(ctx.faults, 'rejectDial', ctx.seed, occasion)) {
      ctx.logFault('rejectDial', body.to_number, { status: ctx.faults.rejectDialStatus });
      const { code, message } = REJECTIONS[ctx.faults.rejectDialStatus];
      return reject(ctx.faults.rejectDialStatus, code, message, body.to_number);
    }
    if (ctx.simulator.inFlight >= ctx.concurrencyLimit) {
      return reject(
        429,
        'too_many_concurrent_requests',
        `You have exceeded the maximum number of concurrent calls (${ctx.concurrencyLimit}) for your subscription.`,
        body.to_number,
      );
    }
    const placed = ctx.simulator.place({
      endpoint,
      agent,
      phone,
      toNumber: body.to_number,
      clientData: body.conversation_initiation_client_data ?? {},
      ringingTimeoutSecs: body.telephony_call_config?.ringing_timeout_secs ?? null,
    });
    if (placed.webhookFirst) await ctx.simulator.finish(placed.call);
    if (ctx.faults.dialResponseDelayMs > 0) {
      const stopped = await delay(ctx.faults.dialResponseDelayMs, false, { signal: ctx.stopping }).catch(
        () => true,
      );
      if (stopped) return res.destroy();
    }
    return sendDialResponse(res, placed.record);
  };
}

function sendDialResponse(res: Response, record: DialRecord): Response {
  if (record.responseStatus !== 200) {
    return detail(res, record.responseStatus, 'internal_server_error', 'An internal server error occurred.');
  }
  const idField =
    record.endpoint === 'twilio' ? { callSid: record.callSid } : { sip_call_id: record.callSid };
  return res.json({ success: true, message: 'Success', conversation_id: record.conversationId, ...idField });
}

export function elevenLabsApiRoutes(ctx: ElevenLabsApiContext): Router {
  const router = Router();
  router.use('/v1', requireApiKey(ctx));
  router.use('/v1', express.json({ limit: '2mb' }));

  router.post('/v1/convai/twilio/outbound-call', dialHandler(ctx, 'twilio'));
  router.post('/v1/convai/sip-trunk/outbound-call', dialHandler(ctx, 'sip_trunk'));

  router.get('/v1/convai/conversations/:conversationId', readFaults(ctx), (req, res) => {
    const call = ctx.simulator.get(String(req.params.conversationId));
    if (!call) return detail(res, 404, 'conversation_not_found', 'Conversation not found');
    return res.json(conversationWire(call));
  });

  router.get('/v1/convai/conversations', readFaults(ctx), (req, res) => {
    const parsed = listConversationsQuery.safeParse(req.query, { reportInput: true });
    if (!parsed.success) return validationError(res, parsed.error, 'query');
    const q = parsed.data;
    // The cursor is the placement index of the last item returned; listing runs newest first.
    const calls = ctx.simulator.calls;
    let index =
      q.cursor === undefined ? calls.length - 1 : Number(Buffer.from(q.cursor, 'base64url').toString()) - 1;
    if (!Number.isInteger(index)) return detail(res, 400, 'invalid_cursor', 'Invalid cursor');
    const page = [];
    let last = -1;
    for (; index >= 0 && page.length < q.page_size; index--) {
      const call = calls[index];
      if (!call) continue;
      const start = Math.floor(call.placedAtMs / 1000);
      if (q.agent_id !== undefined && call.agent.agentId !== q.agent_id) continue;
      if (q.user_id !== undefined && call.userId !== q.user_id) continue;
      if (q.call_start_after_unix !== undefined && start < q.call_start_after_unix) continue;
      if (q.call_start_before_unix !== undefined && start >= q.call_start_before_unix) continue;
      page.push(conversationSummaryWire(call));
      last = index;
    }
    const hasMore = page.length === q.page_size && last > 0;
    const nextCursor = hasMore ? Buffer.from(String(last)).toString('base64url') : null;
    return res.json({ conversations: page, next_cursor: nextCursor, has_more: hasMore });
  });

  router.get('/v1/convai/agents', (req, res) => {
    const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
    const lastCall = (agentId: string) => {
      const call = ctx.simulator.calls.findLast((c) => c.agent.agentId === agentId);
      return call ? Math.floor(call.placedAtMs / 1000) : null;
    };
    const agents = SANDBOX_AGENTS.filter((a) => a.name.toLowerCase().includes(search)).map((a) =>
      agentSummaryWire(a, lastCall(a.agentId)),
    );
    return res.json({ agents, next_cursor: null, has_more: false });
  });

  router.get('/v1/convai/agents/:agentId', (req, res) => {
    const agent = findAgent(String(req.params.agentId));
    if (!agent) return detail(res, 404, 'agent_not_found', `Agent ${req.params.agentId} not found`);
    return res.json(agentDetailWire(agent));
  });

  router.get('/v1/convai/phone-numbers', (_req, res) => res.json(SANDBOX_PHONE_NUMBERS.map(phoneNumberWire)));
  router.get('/v1/voices', (_req, res) => res.json({ voices: SANDBOX_VOICES.map(voiceWire) }));

  router.post('/v1/text-to-speech/:voiceId', (req, res) => {
    if (!SANDBOX_VOICES.some((v) => v.voiceId === req.params.voiceId)) {
      return detail(
        res,
        404,
        'voice_not_found',
        `A voice with the voice_id ${req.params.voiceId} was not found.`,
      );
    }
    const parsed = ttsBodySchema.safeParse(req.body ?? {}, { reportInput: true });
    if (!parsed.success) return validationError(res, parsed.error);
    return res.type('audio/mpeg').send(silentMp3());
  });

  return router;
}
