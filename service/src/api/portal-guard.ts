import type { RequestHandler } from 'express';
import { AppError } from '../core/app-error.js';
import type { Pool } from '../db/pool.js';
import { queryRow } from '../db/statement.js';
import { callerOf } from '../http/hubspot-signed.js';
import * as q from './queries.js';

/**
 * After the signature: the calling portal must be one we serve (installed through OAuth, the private app's portal,
 * or the sandbox's) and still connected. Every query below filters on this portal id.
 */
export function requireConnectedPortal(pool: Pool): RequestHandler {
  return async (_req, res, next) => {
    const { portalId } = callerOf(res);
    const portal = await queryRow(pool, q.PORTAL_STATUS, [portalId]);
    if (!portal) {
      throw new AppError({
        code: 'portal_not_connected',
        status: 401,
        message: `HubSpot account ${portalId} has not installed this app`,
      });
    }
    if (portal.status !== 'connected') {
      throw new AppError({
        code: 'portal_disconnected',
        status: 401,
        message: `HubSpot account ${portalId} is disconnected (${portal.status_reason ?? 'access revoked'}): install the app again`,
      });
    }
    next();
  };
}
