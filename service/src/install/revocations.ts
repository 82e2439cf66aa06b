import type { HubSpotSurfaceContext } from '../api/index.js';
import { disconnectPortal } from './disconnect-portal.js';

/**
 * From now on, a portal whose refresh token HubSpot refuses is disconnected (campaigns paused with the reason).
 * Both the web and the worker side of a process refresh tokens, so both wire it; setting it twice is harmless.
 */
export function disconnectWhenRevoked(ctx: HubSpotSurfaceContext): void {
  ctx.integrations.onPortalRevoked(async (portalId, reason) => {
    await disconnectPortal(ctx.deps, portalId, reason);
  });
}
