export { checkAgent, classifierIds, portalSettings, savePortalDefaults } from './settings.js';
