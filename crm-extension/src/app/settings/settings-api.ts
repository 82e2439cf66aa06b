import type { ApiClient } from '../lib/api-client.js';
import {
  type AgentCheckResult,
  type AgentView,
  agentCheckResultSchema,
  agentListSchema,
  type PortalDefaults,
  type SettingsView,
  settingsViewSchema,
} from '../lib/shared.js';

/** The settings page's calls to the service. */

export function loadSettings(api: ApiClient): Promise<SettingsView> {
  return api.call(settingsViewSchema, 'GET', '/api/settings');
}

export function saveDefaults(api: ApiClient, defaults: PortalDefaults): Promise<SettingsView> {
  return api.call(settingsViewSchema, 'PUT', '/api/settings', { defaults });
}

export async function loadAgents(api: ApiClient): Promise<AgentView[]> {
  return (await api.call(agentListSchema, 'GET', '/api/elevenlabs/agents')).items;
}

export function checkAgent(
  api: ApiClient,
  agentId: string,
  ids: readonly string[],
): Promise<AgentCheckResult> {
  return api.call(
    agentCheckResultSchema,
    'POST',
    `/api/elevenlabs/agents/${encodeURIComponent(agentId)}/check`,
    {
      dataCollectionIds: [...ids],
    },
  );
}
