import {
  CALL_OUTCOMES,
  campaignIdSchema,
  type ExportLinkAnswer,
  exportLinkRequestSchema,
} from '@fundraising/shared';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { findCampaign } from '../campaigns/index.js';
import { AppError } from '../core/app-error.js';
import { wireNow } from '../core/clock.js';
import { callerOf, hubspotSignedCaller } from '../http/hubspot-signed.js';
import type { HubSpotSurfaceContext } from './context.js';
import { sendAttemptsCsv } from './csv-response.js';
import { checkExportLink, EXPORT_LINK_TTL_MS, exportLinkKey, exportPath } from './export-link.js';
import { campaignIdOf, parseBody } from './parse-input.js';
import { requireConnectedPortal } from './portal-guard.js';

const linkQuery = z.object({
  portal: z.string().regex(/^\d{1,15}$/),
  outcome: z.enum(CALL_OUTCOMES).optional(),
  expires: z.string(),
  sig: z.string(),
});

/**
 * The CSV export as a link the browser opens. A download carries no HubSpot signature, so the card first asks the
 * signed POST /api/campaigns/:id/export-link (guarded like every /api route, by itself: it must not depend on where
 * this router sits) for a 5-minute link, and GET /exports/:id.csv is authorised by that link's own HMAC. Mounted
 * before the /api guard (router.ts). The link streams exactly what GET /api/campaigns/:id/export.csv does.
 */
export function exportLinkRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;
  // No client secret: nothing can be signed for, and the signed POST answers 401 anyway.
  const linkKey = ctx.clientSecret === undefined ? null : exportLinkKey(ctx.clientSecret);

  router.post(
    '/api/campaigns/:campaignId/export-link',
    ...hubspotSignedCaller({ clientSecret: ctx.clientSecret, publicUrl: ctx.publicUrl, clock: ctx.clock }),
    requireConnectedPortal(deps.pool),
    async (req, res) => {
      const { portalId } = callerOf(res);
      const campaignId = campaignIdOf(req);
      const { outcome } = parseBody(exportLinkRequestSchema, req.body ?? {});
      const campaign = await findCampaign(deps.pool, portalId, campaignId);
      if (!campaign) throw AppError.notFound(`campaign ${campaignId}`);
      if (linkKey === null) throw new Error('export link without a link key');
      // Whole seconds, so the expiry in the link is the one signed. Wire time: a person has five real minutes to
      // open it, however fast the sandbox's clock runs.
      const expiresAtSec = Math.floor((wireNow(ctx.clock) + EXPORT_LINK_TTL_MS) / 1000);
      const path = exportPath(
        linkKey,
        { portalId, campaignId: campaign.id, outcome: outcome ?? null },
        expiresAtSec,
      );
      const answer: ExportLinkAnswer = {
        url: `${ctx.publicUrl()}${path}`,
        expiresAt: new Date(expiresAtSec * 1000).toISOString(),
      };
      res.status(201).json(answer);
    },
  );

  router.get('/exports/:campaignId.csv', async (req, res) => {
    const query = linkQuery.safeParse(req.query);
    const campaignId = campaignIdSchema.safeParse(req.params.campaignId);
    if (linkKey === null || !query.success || !campaignId.success) {
      plain(res, 403, 'This export link is not valid.');
      return;
    }
    const scope = {
      portalId: Number(query.data.portal),
      campaignId: campaignId.data.toLowerCase(),
      outcome: query.data.outcome ?? null,
    };
    const check = checkExportLink(
      linkKey,
      { scope, expires: query.data.expires, sig: query.data.sig },
      wireNow(ctx.clock),
    );
    if (check === 'bad_signature') {
      plain(res, 403, 'This export link is not valid.');
      return;
    }
    if (check === 'expired') {
      plain(res, 403, 'This export link has expired. Export again from HubSpot.');
      return;
    }
    const campaign = await findCampaign(deps.pool, scope.portalId, scope.campaignId);
    if (!campaign) {
      plain(res, 404, 'This campaign is no longer available.');
      return;
    }
    await sendAttemptsCsv(deps.pool, req, res, { name: campaign.name, ...scope, campaignId: campaign.id });
  });

  return router;
}

/** The browser shows this page itself: a sentence, not the API's JSON. */
function plain(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(message);
}
