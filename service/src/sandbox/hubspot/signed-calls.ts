import express, { Router } from 'express';
import { z } from 'zod';
import { wireNow } from '../../core/clock.js';
import { signHubSpotRequestV3 } from '../../hubspot/index.js';
import type { HubSpotContext } from './state.js';

/**
 * The fake HubSpot calling the service as HubSpot does: `hubspot.fetch` from a card (its proxy adds portalId,
 * userId, userEmail and appId to the query string and signs with the app's client secret, v3), workflow-action
 * executions and webhooks. Tests and curious users reach it through /__sandbox/hubspot/sign (headers only) and
 * /__sandbox/hubspot/fetch (sign and send).
 */

export const SANDBOX_APP_ID = 1_000_001;

export interface SignedCall {
  readonly method: string;
  /** The full URL, with the query string HubSpot's proxy added. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Signs a request to the service as HubSpot would (v3), optionally adding the card proxy's caller parameters. */
export function signServiceCall(
  ctx: HubSpotContext,
  serviceUrl: string,
  call: {
    method: string;
    path: string;
    body?: unknown;
    /** The card proxy's caller: adds portalId, userId, userEmail and appId to the query. */
    caller?: { portalId: number; userId?: number; userEmail?: string };
    /** Signs as of this instant (tests of stale signatures); now by default. */
    timestampMs?: number;
  },
): SignedCall {
  const url = new URL(call.path, `${serviceUrl}/`);
  if (call.caller) {
    url.searchParams.set('userId', String(call.caller.userId ?? 1));
    url.searchParams.set('userEmail', call.caller.userEmail ?? 'fundraiser@example.org');
    url.searchParams.set('appId', String(SANDBOX_APP_ID));
    url.searchParams.set('portalId', String(call.caller.portalId));
  }
  const method = call.method.toUpperCase();
  const body = call.body === undefined || method === 'GET' ? '' : JSON.stringify(call.body);
  const signature = signHubSpotRequestV3({
    method,
    uri: url.toString(),
    rawBody: body,
    clientSecret: ctx.clientSecret,
    timestampMs: call.timestampMs ?? wireNow(ctx.clock),
  });
  return {
    method,
    url: url.toString(),
    headers: { ...signature, ...(body === '' ? {} : { 'content-type': 'application/json' }) },
    body,
  };
}

/** Sends a signed call; the answer's status and JSON (or text) body. */
export async function sendSignedCall(call: SignedCall): Promise<{ status: number; body: unknown }> {
  const response = await fetch(call.url, {
    method: call.method,
    headers: call.headers,
    ...(call.body === '' ? {} : { body: call.body }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

const signRequestSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** The service path and query, e.g. /api/campaigns?status=active. */
  path: z.string().regex(/^\/[^\s]*$/, { error: 'expected a path starting with /' }),
  body: z.unknown().optional(),
  portalId: z.number().int().positive().optional(),
  userId: z.number().int().positive().optional(),
  /** false: sign as a workflow or webhook call (no caller parameters). */
  asCard: z.boolean().default(true),
});

export function signedCallRoutes(ctx: HubSpotContext, serviceUrl: () => string | null): Router {
  const router = Router();
  const prepare = (raw: unknown) => {
    const input = signRequestSchema.parse(raw);
    const base = serviceUrl();
    if (base === null) throw new Error('the service URL is not known yet');
    const portalId = input.portalId ?? [...ctx.portals.keys()][0] ?? 0;
    return signServiceCall(ctx, base, {
      method: input.method,
      path: input.path,
      body: input.body,
      ...(input.asCard ? { caller: { portalId, ...(input.userId ? { userId: input.userId } : {}) } } : {}),
    });
  };
  const bad = (res: express.Response, error: unknown) =>
    res.status(400).json({ error: error instanceof z.ZodError ? z.prettifyError(error) : String(error) });

  router.post('/__sandbox/hubspot/sign', express.json(), (req, res) => {
    try {
      res.json(prepare(req.body));
    } catch (error) {
      bad(res, error);
    }
  });
  router.post('/__sandbox/hubspot/fetch', express.json(), async (req, res) => {
    let call: SignedCall;
    try {
      call = prepare(req.body);
    } catch (error) {
      bad(res, error);
      return;
    }
    res.json(await sendSignedCall(call));
  });
  return router;
}
