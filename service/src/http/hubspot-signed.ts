import express, { type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../core/app-error.js';
import { type Clock, wireNow } from '../core/clock.js';
import { verifyHubSpotSignature } from '../hubspot/index.js';
import { parseJsonBody } from './json-body.js';

/**
 * Requests HubSpot signs: the extension's `hubspot.fetch` calls, workflow-action executions and HubSpot webhooks.
 * The signature (v3: HMAC-SHA256 of method + full URI + raw body + timestamp, 5-minute window, constant-time
 * compare) is checked on the raw bytes before anything is parsed. The URI is rebuilt from PUBLIC_URL, never from
 * the Host header: a proxy or a client cannot make us check a signature over a URI HubSpot did not call.
 */

/** Who is calling, from the signed query string HubSpot's proxy adds (never from the body or the path). */
export interface SignedCaller {
  readonly portalId: number;
  /** The HubSpot user acting in the card; null for calls HubSpot makes on its own (workflows, webhooks). */
  readonly userId: number | null;
}

export interface SignedRequestOptions {
  /** The HubSpot app's client secret; undefined answers every request 401 (nothing skips the check). */
  readonly clientSecret: string | undefined;
  /** The service's public base URL as HubSpot calls it (PUBLIC_URL), known once the server listens. */
  readonly publicUrl: () => string;
  readonly clock: Clock;
  /** Workflow actions may carry only the older v2 signature. */
  readonly allowV2?: boolean;
  /** hubspot.fetch bodies are at most 1 MB; webhook batches of 100 events are far smaller. */
  readonly maxBodyBytes?: number;
  /** What a JSON array body is called in a 400's field (`events[3].propertyName`); `body` by default. */
  readonly arrayBodyName?: string;
}

const LOCALS_KEY = 'hubspotCaller';

const callerQuery = z.object({
  portalId: z
    .string({ error: 'portalId: missing from the signed query string' })
    .regex(/^[1-9]\d{0,15}$/, { error: 'portalId: expected a HubSpot portal id' }),
  userId: z
    .string()
    .regex(/^\d{1,16}$/, { error: 'userId: expected a HubSpot user id' })
    .optional(),
});

/** The raw-body reader and the signature check, in that order; the body is then parsed as JSON (if any). */
export function hubspotSigned(options: SignedRequestOptions): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: options.maxBodyBytes ?? 1_048_576 });
  const verify: RequestHandler = (req, _res, next) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (options.clientSecret === undefined) {
      throw AppError.unauthorized('signature cannot be checked: HUBSPOT_CLIENT_SECRET is not configured');
    }
    const check = verifyHubSpotSignature({
      method: req.method,
      uri: `${options.publicUrl()}${req.originalUrl}`,
      rawBody,
      headers: req.headers,
      clientSecret: options.clientSecret,
      // Signature age is wire time: real time even when the engine's clock runs faster (core/clock.ts).
      nowMs: wireNow(options.clock),
      allowV2: options.allowV2 ?? false,
    });
    if (!check.ok) throw AppError.unauthorized(`HubSpot signature rejected: ${check.reason}`);
    req.body = parseJsonBody(rawBody, options.arrayBodyName ?? 'body');
    next();
  };
  return [raw, verify];
}

/** For /api: also takes the caller from the signed query string and keeps it for the handlers. */
export function hubspotSignedCaller(options: SignedRequestOptions): RequestHandler[] {
  const caller: RequestHandler = (req, res, next) => {
    const parsed = callerQuery.safeParse(req.query);
    if (!parsed.success) throw AppError.unauthorized(parsed.error.issues[0]?.message ?? 'caller missing');
    const value: SignedCaller = {
      portalId: Number(parsed.data.portalId),
      userId: parsed.data.userId === undefined ? null : Number(parsed.data.userId),
    };
    res.locals[LOCALS_KEY] = value;
    next();
  };
  return [...hubspotSigned(options), caller];
}

/** The verified caller of a request that went through hubspotSignedCaller. */
export function callerOf(res: Response): SignedCaller {
  const value: unknown = res.locals[LOCALS_KEY];
  if (typeof value !== 'object' || value === null || !('portalId' in value))
    throw new Error('callerOf: route is not behind hubspotSignedCaller');
  return value as SignedCaller;
}
