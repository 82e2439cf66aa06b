export * from './campaign.js';
export * from './outcomes.js';
