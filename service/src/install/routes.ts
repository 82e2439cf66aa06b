import { type Request, type Response, Router } from 'express';
import type { HubSpotSurfaceContext } from '../api/index.js';
import { redirectUriOf } from './authorize.js';
import { beginInstall, callbackQuerySchema, completeInstall } from './install-flow.js';
import { INTERNAL_ERROR, installPage, NOT_INSTALLABLE, type Page, sendPage } from './pages.js';
import { disconnectWhenRevoked } from './revocations.js';

/**
 * The OAuth install, for people (not HubSpot's signed calls): GET /oauth/install sends the admin to HubSpot's
 * consent page, GET /oauth/callback completes the install and shows a plain page, whatever happened.
 * Also makes this process disconnect a portal whose refresh token HubSpot refuses.
 */
export function installRoutes(ctx: HubSpotSurfaceContext): Router {
  disconnectWhenRevoked(ctx);
  const router = Router();
  const urls = () => {
    const publicUrl = ctx.publicUrl().replace(/\/+$/, '');
    return { redirectUri: redirectUriOf(publicUrl), installUrl: `${publicUrl}/oauth/install` };
  };
  const show = (req: Request, res: Response, page: Page) =>
    sendPage(res, page, { installUrl: urls().installUrl, requestId: req.id });

  router.get('/oauth/install', async (req, res) => {
    const { install } = ctx.integrations;
    if (install === null) return show(req, res, NOT_INSTALLABLE);
    try {
      res
        .set('Cache-Control', 'no-store')
        .redirect(302, await beginInstall(ctx.deps, install, urls().redirectUri));
    } catch (err) {
      req.log.error({ err }, 'starting an install failed');
      show(req, res, INTERNAL_ERROR);
    }
  });

  router.get('/oauth/callback', async (req, res) => {
    const { install } = ctx.integrations;
    if (install === null) return show(req, res, NOT_INSTALLABLE);
    const query = callbackQuerySchema.safeParse(req.query);
    if (!query.success) return show(req, res, installPage({ kind: 'invalid_callback' }));
    try {
      const outcome = await completeInstall(ctx.deps, install, urls().redirectUri, query.data);
      if (outcome.kind !== 'connected') req.log.warn({ outcome: outcome.kind }, 'install not completed');
      show(req, res, installPage(outcome));
    } catch (err) {
      req.log.error({ err }, 'completing an install failed');
      show(req, res, INTERNAL_ERROR);
    }
  });

  return router;
}
