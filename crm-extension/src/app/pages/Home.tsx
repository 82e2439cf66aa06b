import { hubspot } from '@hubspot/ui-extensions';
import { createApiClient } from '../lib/api-client.js';
import { ApiProvider } from '../lib/api-context.js';
import { SERVICE_URL } from '../lib/service-url.js';
import { CampaignsApp } from './CampaignsApp.js';

/** The app home page (location 'home', see home-hsmeta.json): the campaigns, over hubspot.fetch. */
hubspot.extend<'home'>(() => (
  <ApiProvider client={createApiClient(hubspot.fetch, SERVICE_URL)}>
    <CampaignsApp />
  </ApiProvider>
));
