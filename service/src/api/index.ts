/**
 * The signed API the HubSpot extension calls (`/api/...`): campaigns, their results, contacts, and what a
 * campaign is built from (lists, agents, numbers, voices).
 */

export { toCampaignView } from './campaign-view.js';
export type { HubSpotSurfaceContext } from './context.js';
export { apiRoutes } from './router.js';
