import { createContext, type ReactNode, useContext } from 'react';
import type { ApiClient } from './api-client.js';

/** The API client of the running view: `hubspot.fetch` in HubSpot, a fake or the sandbox service in tests. */
const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (client === null) throw new Error('useApi outside an ApiProvider');
  return client;
}
