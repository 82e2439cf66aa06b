import { type DiallingState, setDiallingRequestSchema } from '@fundraising/shared';
import { type RequestHandler, Router } from 'express';
import { ZodError } from 'zod';
import type { ServiceDeps } from '../core/deps.js';
import { notFoundHandler } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { diallingState, setDialling } from './dialling-switch.js';

export interface SafetyOpsContext {
  readonly deps: Pick<ServiceDeps, 'pool' | 'clock' | 'logger'>;
}

/**
 * The ops routes of the global dialling switch. They do no authentication of their own: whoever mounts them puts
 * the ops login in front (an earlier middleware may set `res.locals.opsUser`, recorded as who changed the switch).
 *
 * - GET /ops/dialling → the switch (DiallingState)
 * - PUT /ops/dialling {stopped, reason?} → sets it; new dials stop (or resume) within one dispatch tick.
 */
export function safetyOpsRoutes(ctx: SafetyOpsContext): Router {
  const router = Router();
  router.get('/ops/dialling', async (_req, res) => {
    const answer: DiallingState = await diallingState(ctx.deps.pool);
    res.json(answer);
  });
  router.put('/ops/dialling', ...jsonBody({ limit: '16kb' }), async (req, res) => {
    const parsed = setDiallingRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new ZodError(
        parsed.error.issues.map((issue) => {
          if (issue.code === 'unrecognized_keys') return { ...issue, path: [issue.keys[0] ?? 'body'] };
          return issue.path.length === 0 ? { ...issue, path: ['body'] } : issue;
        }),
      );
    }
    const user: unknown = res.locals.opsUser;
    const by = typeof user === 'string' && user !== '' ? `ops:${user}` : 'ops';
    const answer: DiallingState = await setDialling(ctx.deps, { ...parsed.data, by });
    res.json(answer);
  });
  return router;
}

/** Until the ops login is mounted in front: every /ops/dialling request is answered 404, as if absent. */
export const denyOpsRoutes: RequestHandler = notFoundHandler;

/** Mounts the safety ops routes behind `guard` (the ops login; tests pass one that lets everyone in). */
export function guardedSafetyOpsRoutes(ctx: SafetyOpsContext, guard: RequestHandler = denyOpsRoutes): Router {
  const router = Router();
  router.use('/ops/dialling', guard);
  router.use(safetyOpsRoutes(ctx));
  return router;
}
