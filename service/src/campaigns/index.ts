/**
 * Campaigns: their model and use cases (create, launch, pause, resume, cancel, edit), the list import, dispatch
 * within each contact's calling window and the caps, and placement of calls (with reconciliation of dials whose
 * result is unknown). What other modules may use of it is exported here.
 */
export { type Campaign, findCampaign, listCampaigns } from './campaign-model.js';
export { type CampaignStats, campaignStats } from './campaign-stats.js';
export type { Dispatcher } from './dispatch/dispatcher.js';
export { CAMPAIGN_QUEUES, CAMPAIGN_SCHEDULES, campaignWorkers } from './jobs.js';
export { startCampaignLoops } from './loops.js';
export type { PlacementHooks, PlacementStep } from './placement/place-call.js';
export {
  cancelCampaign,
  editCampaign,
  pauseCampaign,
  resumeCampaign,
  startCampaign,
} from './use-cases/control-campaign.js';
export { createCampaign } from './use-cases/create-campaign.js';
export { scheduleContacts } from './use-cases/schedule-contacts.js';
