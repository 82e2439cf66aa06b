import express, { Router } from 'express';
import { loopbackOnly } from './loopback-only.js';
import { type SandboxFakes, sharedFakesRoutes } from './shared-fakes.js';

/**
 * Serves the fakes' /__sandbox pages from the service's own URL (they listen on random loopback ports), so a
 * person can open http://localhost:3000/__sandbox/... and see what "the outside world" saw, whichever process
 * runs the fakes. Also serves /__sandbox/fakes, through which other processes share these fakes. Sandbox mode
 * only, and to this machine only, even when HOST makes the service reachable from others.
 */
export function sandboxProxyRoutes(fakes: SandboxFakes): Router {
  const { info } = fakes;
  const router = Router();
  router.use('/__sandbox', loopbackOnly);
  router.get('/__sandbox', (_req, res) => {
    res.json({
      sandbox: true,
      demoPortal: info.demoPortal,
      links: {
        elevenlabs: '/__sandbox/elevenlabs',
        dials: '/__sandbox/elevenlabs/dials',
        webhooks: '/__sandbox/elevenlabs/webhooks',
        callsInFlight: '/__sandbox/elevenlabs/calls-in-flight',
        hubspot: '/__sandbox/hubspot',
        lists: '/__sandbox/hubspot/lists',
        calls: '/__sandbox/hubspot/calls',
        propertyWrites: '/__sandbox/hubspot/property-writes',
        fakes: '/__sandbox/fakes',
      },
    });
  });
  router.use(sharedFakesRoutes(fakes));
  const forward =
    (target: string): express.RequestHandler =>
    async (req, res, next) => {
      try {
        const upstream = await fetch(`${target}${req.originalUrl}`, {
          method: req.method,
          headers: { 'content-type': 'application/json' },
          ...(req.method === 'GET' ? {} : { body: JSON.stringify(req.body ?? {}) }),
        });
        res.status(upstream.status).type(upstream.headers.get('content-type') ?? 'application/json');
        res.send(Buffer.from(await upstream.arrayBuffer()));
      } catch (error) {
        next(error);
      }
    };
  router.use('/__sandbox/elevenlabs', express.json(), forward(info.elevenlabsUrl));
  router.use('/__sandbox/hubspot', express.json(), forward(info.hubspotUrl));
  return router;
}
