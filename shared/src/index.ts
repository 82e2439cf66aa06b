export * from './api.js';
export * from './campaign.js';
export * from './classification.js';
export * from './outcomes.js';
