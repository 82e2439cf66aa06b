import { Router } from 'express';

export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => Promise<boolean>;
}

/** Facts shown in /readyz's body that never make it fail (e.g. whether dialling is stopped). */
export type ReadinessDetails = () => Promise<Record<string, unknown>>;

/**
 * /healthz: the process is alive. /readyz: every dependency answers, else 503 with which one did not; `details`
 * add what an operator should see there without failing readiness.
 */
export function healthRoutes(checks: readonly ReadinessCheck[], details?: ReadinessDetails): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    const extra = details ? await details().catch(() => ({})) : {};
    res.status(ready ? 200 : 503).json({
      ...extra,
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
    });
  });
  return router;
}
