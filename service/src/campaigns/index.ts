/**
 * Campaigns: their model and use cases (create, launch, pause, resume, cancel, edit), the list import, dispatch
 * within each contact's calling window and the caps, and placement of calls (with reconciliation of dials whose
 * result is unknown). What other modules may use of it is exported here.
 */

export { type CallNowInput, callContactNow } from './call-now/call-contact-now.js';
export { type Campaign, findCampaign, listCampaigns, lockCampaign } from './campaign-model.js';
export { type CampaignStats, campaignStats } from './campaign-stats.js';
export type { Dispatcher } from './dispatch/dispatcher.js';
export { ENROLLING_STATUSES, type EnrolledRow, enrolContacts } from './enrol/enrol-contacts.js';
export {
  type ContactProperties,
  contactPropertiesFor,
  type NormalizedContact,
  normalizeContact,
} from './import/index.js';
export { pickPhone } from './import/normalize-contact.js';
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
