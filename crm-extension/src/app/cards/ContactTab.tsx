import { hubspot } from '@hubspot/ui-extensions';
import { createApiClient } from '../lib/api-client.js';
import { ApiProvider } from '../lib/api-context.js';
import { SERVICE_URL } from '../lib/service-url.js';
import { ContactAiCalls } from './ContactAiCalls.js';

// The contact record's "AI calls" tab (uid contact_ai_calls): every request goes through hubspot.fetch, which
// HubSpot's proxy signs with the portal and user of the card.
hubspot.extend<'crm.record.tab'>(({ context }) => (
  <ApiProvider client={createApiClient(hubspot.fetch, SERVICE_URL)}>
    <ContactAiCalls contactId={String(context.crm.objectId)} portalTimeZone={context.portal.timezone} />
  </ApiProvider>
));
