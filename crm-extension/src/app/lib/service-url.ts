// Written by `npm run hubspot:configure` from crm-extension/service.config.json: do not edit by hand.
export const SERVICE_URL = 'https://fundraising.example.org';
