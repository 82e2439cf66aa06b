import {
  type ContactCallsPage,
  type ContactState,
  contactCallsQuerySchema,
  contactPathSchema,
  type SetDoNotCallAnswer,
  setDoNotCallRequestSchema,
} from '@fundraising/shared';
import { Router } from 'express';
import { changeDoNotCall, contactCallHistory, contactState } from '../contacts/index.js';
import { callerOf } from '../http/hubspot-signed.js';
import type { HubSpotSurfaceContext } from './context.js';

/**
 * A contact's AI calls, its state in active campaigns and its do-not-call: thin routes over the contacts feature.
 * Everything is read and written for the signed caller's portal only; a contact of another portal reads as one
 * this portal never called (empty), and do-not-call on it is a 404 unless this portal's HubSpot has that contact.
 */
export function contactRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.get('/api/contacts/:contactId/calls', async (req, res) => {
    const { portalId } = callerOf(res);
    const { contactId } = contactPathSchema.parse(req.params);
    const page = contactCallsQuerySchema.parse(req.query);
    const answer: ContactCallsPage = await contactCallHistory(deps.pool, portalId, contactId, page);
    res.json(answer);
  });

  router.get('/api/contacts/:contactId/state', async (req, res) => {
    const { portalId } = callerOf(res);
    const { contactId } = contactPathSchema.parse(req.params);
    const answer: ContactState = await contactState(deps.pool, portalId, contactId);
    res.json(answer);
  });

  router.put('/api/contacts/:contactId/do-not-call', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    const { contactId } = contactPathSchema.parse(req.params);
    // A missing body is an empty one, so the 400 names the field that is missing rather than "body".
    const body = setDoNotCallRequestSchema.parse(req.body ?? {});
    const doNotCall = await changeDoNotCall(
      deps,
      portalId,
      contactId,
      {
        doNotCall: body.doNotCall,
        reason: body.reason === undefined || body.reason === '' ? null : body.reason,
        overrideOptOut: body.overrideOptOut ?? false,
      },
      { userId },
    );
    const answer: SetDoNotCallAnswer = { contactId, doNotCall };
    res.json(answer);
  });

  return router;
}
