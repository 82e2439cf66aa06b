/**
 * Connecting portals: the OAuth install (consent, callback, tokens stored encrypted, first-time setup as a job) and
 * disconnecting a portal whose access was revoked or that uninstalled the app. A single organisation on a private
 * app's token needs none of it (integrations.ts serves that portal from the start).
 */
export { type DisconnectResult, disconnectPortal } from './disconnect-portal.js';
export { INSTALL_QUEUES, INSTALL_SCHEDULES, installWorkers } from './jobs.js';
export { PORTAL_SETUP_QUEUE, type PortalSetupResult, setUpPortal } from './portal-setup.js';
export { installRoutes } from './routes.js';
export { OPTIONAL_SCOPES, REQUIRED_SCOPES } from './scopes.js';
