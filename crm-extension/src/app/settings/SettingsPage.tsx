import { hubspot } from '@hubspot/ui-extensions';
import { createApiClient } from '../lib/api-client.js';
import { ApiProvider } from '../lib/api-context.js';
import { SERVICE_URL } from '../lib/service-url.js';
import { Settings } from './Settings.js';

// The app's settings page (uid app_settings): every request goes through hubspot.fetch, signed by HubSpot's proxy.
hubspot.extend<'settings'>(() => (
  <ApiProvider client={createApiClient(hubspot.fetch, SERVICE_URL)}>
    <Settings />
  </ApiProvider>
));
