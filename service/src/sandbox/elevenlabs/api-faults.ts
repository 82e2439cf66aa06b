import { setTimeout as delay } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import { isoAt, type SandboxClock } from '../http-server.js';
import { type FaultState, faultFires, type LogFault } from './faults.js';

/**
 * The fake ElevenLabs' API-level faults: 5xx and 429 storms on dials and on conversation reads, and slow reads.
 * Each answers as ElevenLabs does (its `detail` body; a 429 with Retry-After), and each is logged when it fires.
 */

export interface ApiFaultContext {
  readonly faults: FaultState;
  readonly seed: number;
  readonly clock: SandboxClock;
  readonly logFault: LogFault;
  /** Every conversation read, answered or not: with the 429s, a checker sees whether Retry-After was waited. */
  readonly reads: ReadRecord[];
  /** Aborted when the fake stops, so a delayed answer does not hold the process open. */
  readonly stopping: AbortSignal;
}

export interface ReadRecord {
  readonly at: string;
  readonly atMs: number;
  /** The conversation read, or null for a listing. */
  readonly conversationId: string | null;
  /** What was read: the conversation id, or `list:<user_id>` for a listing filtered by our attempt id. */
  readonly subject: string;
  status: number;
  /** The Retry-After a 429 asked for, in ms. */
  retryAfterMs: number | null;
}

export interface FaultAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds: number | null;
}

const SERVER_ERROR = { code: 'internal_server_error', message: 'An internal server error occurred.' };
const RATE_LIMITED = {
  code: 'rate_limit_exceeded',
  message: 'You have exceeded the rate limit for this endpoint. Please try again later.',
};

/** The answer a dial gets from a 5xx-before-placing or 429 fault, or null when neither fires for it. */
export function dialFault(ctx: ApiFaultContext, toNumber: string, occasion: string): FaultAnswer | null {
  const { faults, seed } = ctx;
  if (faultFires(faults, 'rateLimitDial', seed, occasion)) return rateLimited(ctx, 'rateLimitDial', toNumber);
  if (faultFires(faults, 'serverErrorBeforePlacing', seed, occasion)) {
    ctx.logFault('serverErrorBeforePlacing', toNumber, { status: faults.serverErrorStatus });
    return { status: faults.serverErrorStatus, ...SERVER_ERROR, retryAfterSeconds: null };
  }
  return null;
}

function rateLimited(ctx: ApiFaultContext, fault: 'rateLimitDial' | 'rateLimitRead', subject: string) {
  const seconds = ctx.faults.retryAfterSeconds;
  ctx.logFault(fault, subject, { status: 429, retryAfterMs: seconds > 0 ? seconds * 1000 : null });
  return { status: 429, ...RATE_LIMITED, retryAfterSeconds: seconds > 0 ? seconds : null };
}

export function sendFaultAnswer(res: Response, answer: FaultAnswer): Response {
  if (answer.retryAfterSeconds !== null) res.set('Retry-After', String(answer.retryAfterSeconds));
  return res.status(answer.status).json({ detail: { status: answer.code, message: answer.message } });
}

/**
 * In front of the conversation reads: records each, waits `readResponseDelayMs`, then answers a 5xx or 429 when a
 * read fault fires (its occasion: the conversation and how many times it was read before).
 */
export function readFaults(ctx: ApiFaultContext) {
  const seen = new Map<string, number>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = typeof req.params.conversationId === 'string' ? req.params.conversationId : null;
    const atMs = ctx.clock.now();
    const subject = id ?? `list:${String(req.query.user_id ?? '')}`;
    const entry: ReadRecord = {
      at: isoAt(atMs),
      atMs,
      conversationId: id,
      subject,
      status: 0,
      retryAfterMs: null,
    };
    ctx.reads.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      const retryAfter = Number(res.get('Retry-After'));
      if (retryAfter > 0) entry.retryAfterMs = retryAfter * 1000;
    });
    const nth = seen.get(subject) ?? 0;
    seen.set(subject, nth + 1);
    const wait = ctx.faults.readResponseDelayMs;
    if (wait > 0) {
      const stopped = await delay(wait, false, { signal: ctx.stopping }).catch(() => true);
      if (stopped) return void res.destroy();
    }
    const occasion = `${subject}#${nth}`;
    if (faultFires(ctx.faults, 'rateLimitRead', ctx.seed, occasion)) {
      return void sendFaultAnswer(res, rateLimited(ctx, 'rateLimitRead', subject));
    }
    if (faultFires(ctx.faults, 'serverErrorOnRead', ctx.seed, occasion)) {
      ctx.logFault('serverErrorOnRead', subject, { status: ctx.faults.serverErrorStatus });
      return void sendFaultAnswer(res, {
        status: ctx.faults.serverErrorStatus,
        ...SERVER_ERROR,
        retryAfterSeconds: null,
      });
    }
    next();
  };
}
