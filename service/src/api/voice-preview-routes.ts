import {
  type VoicePreviewAnswer,
  voicePreviewPathSchema,
  voicePreviewRequestSchema,
} from '@fundraising/shared';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { wireNow } from '../core/clock.js';
import { callerOf, hubspotSignedCaller } from '../http/hubspot-signed.js';
import { createVoicePreview, openVoicePreview, previewLinkKey } from '../voice-previews/index.js';
import type { HubSpotSurfaceContext } from './context.js';
import { requireConnectedPortal } from './portal-guard.js';

const linkQuery = z.object({ expires: z.string().optional(), sig: z.string().optional() });

/**
 * Voice previews. This router is mounted before the /api guard (router.ts), because the browser opens the preview
 * link with no HubSpot signature: GET /voice-preview/:id is authorised by the link's own HMAC. The request that
 * makes a link is a signed /api call like any other, so it carries the same guards itself (signature and caller,
 * then a connected portal): it must not depend on where this router sits.
 */
export function voicePreviewRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;
  // No client secret: nothing can be signed for, and the signed POST answers 401 anyway.
  const linkKey = ctx.clientSecret === undefined ? null : previewLinkKey(ctx.clientSecret);

  router.post(
    '/api/voices/:voiceId/preview',
    ...hubspotSignedCaller({ clientSecret: ctx.clientSecret, publicUrl: ctx.publicUrl, clock: ctx.clock }),
    requireConnectedPortal(deps.pool),
    async (req, res) => {
      const { portalId, userId } = callerOf(res);
      const { voiceId } = voicePreviewPathSchema.parse(req.params);
      const { text } = voicePreviewRequestSchema.parse(req.body ?? {});
      if (linkKey === null) throw new Error('voice preview without a link key');
      const link = await createVoicePreview(deps, linkKey, { portalId, userId, voiceId, text });
      const answer: VoicePreviewAnswer = {
        url: `${ctx.publicUrl()}${link.path}`,
        expiresAt: link.expiresAt.toISOString(),
      };
      res.status(201).json(answer);
    },
  );

  router.get('/voice-preview/:previewId', async (req, res) => {
    const query = linkQuery.safeParse(req.query);
    const lookup =
      linkKey === null || !query.success
        ? ({ kind: 'invalid' } as const)
        : await openVoicePreview(deps, linkKey, {
            id: req.params.previewId,
            expires: query.data.expires ?? '',
            sig: query.data.sig ?? '',
          });
    switch (lookup.kind) {
      case 'audio': {
        const secondsLeft = Math.max(
          0,
          Math.floor((lookup.expiresAt.getTime() - wireNow(deps.clock)) / 1000),
        );
        res.set({
          'Content-Type': 'audio/mpeg',
          'Content-Disposition': 'inline; filename="voice-preview.mp3"',
          'Cache-Control': `private, max-age=${secondsLeft}`,
          'X-Content-Type-Options': 'nosniff',
        });
        res.send(lookup.audio);
        return;
      }
      case 'invalid':
        plain(res, 403, 'This voice preview link is not valid.');
        return;
      case 'expired':
        plain(res, 403, 'This voice preview link has expired. Play the voice again from HubSpot.');
        return;
      case 'gone':
        plain(res, 404, 'This voice preview is no longer available. Play the voice again from HubSpot.');
        return;
    }
  });

  return router;
}

/** The browser shows this page itself: a sentence, not the API's JSON. */
function plain(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(message);
}
