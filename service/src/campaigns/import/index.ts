export {
  enqueueImport,
  type ImportDeps,
  type ImportJob,
  type ImportResult,
  importCampaign,
  importJobSchema,
  importQueue,
  // The name campaigns/jobs.ts gathers it under.
  importQueue as IMPORT_QUEUE,
  importWorker,
} from './import-campaign.js';
export { type PageOutcome, type PageToWrite, writePage } from './import-page.js';
export {
  type ContactProperties,
  contactPropertiesFor,
  type ImportSettings,
  type NormalizedContact,
  normalizeContact,
  pickPhone,
  SKIP_PRECEDENCE,
  strongerReason,
} from './normalize-contact.js';
