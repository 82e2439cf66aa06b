export * from './api.js';
export * from './api-campaigns.js';
export * from './api-contacts.js';
export * from './api-settings.js';
export * from './campaign.js';
export * from './classification.js';
export * from './outcomes.js';
export * from './workflow-action.js';
