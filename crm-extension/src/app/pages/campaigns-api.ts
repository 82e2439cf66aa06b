import type { ApiClient } from '../lib/api-client.js';
import {
  type AttemptPage,
  attemptPageSchema,
  type CallOutcome,
  type CampaignPage,
  type CampaignStatsView,
  type CampaignStatus,
  type CampaignView,
  campaignPageSchema,
  campaignStatsViewSchema,
  campaignViewSchema,
  type EditCampaignRequest,
  type ExportLinkAnswer,
  exportLinkAnswerSchema,
} from '../lib/shared.js';

/** The campaign pages' calls to the signed API: one function per route, so the views stay declarative. */

/** Rows per page on the home table and the attempts table. */
export const PAGE_SIZE = 20;

/**
 * Stats requests in flight at once while the home page loads: hubspot.fetch allows 20 per app and account, and the
 * other cards of the same user share them.
 */
export const STATS_CONCURRENCY = 4;

export type CampaignAction = 'pause' | 'resume' | 'cancel';

const query = (params: Record<string, string | number | undefined>): string => {
  const pairs = Object.entries(params).filter((p): p is [string, string | number] => p[1] !== undefined);
  return pairs.length === 0
    ? ''
    : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
};

const campaignPath = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`;

export const listCampaigns = (
  api: ApiClient,
  filter: { status: CampaignStatus | undefined; offset: number },
): Promise<CampaignPage> =>
  api.call(
    campaignPageSchema,
    'GET',
    `/api/campaigns${query({ status: filter.status, offset: filter.offset, limit: PAGE_SIZE })}`,
  );

export const getCampaign = (api: ApiClient, id: string): Promise<CampaignView> =>
  api.call(campaignViewSchema, 'GET', campaignPath(id));

export const getCampaignStats = (api: ApiClient, id: string): Promise<CampaignStatsView> =>
  api.call(campaignStatsViewSchema, 'GET', `${campaignPath(id)}/stats`);

export const editCampaign = (api: ApiClient, id: string, edit: EditCampaignRequest): Promise<CampaignView> =>
  api.call(campaignViewSchema, 'PATCH', campaignPath(id), edit);

export const runCampaignAction = (
  api: ApiClient,
  id: string,
  action: CampaignAction,
): Promise<CampaignView> => api.call(campaignViewSchema, 'POST', `${campaignPath(id)}/${action}`, {});

export const listAttempts = (
  api: ApiClient,
  id: string,
  filter: { outcome: CallOutcome | undefined; offset: number },
): Promise<AttemptPage> =>
  api.call(
    attemptPageSchema,
    'GET',
    `${campaignPath(id)}/attempts${query({ outcome: filter.outcome, offset: filter.offset, limit: PAGE_SIZE })}`,
  );

export const createExportLink = (
  api: ApiClient,
  id: string,
  outcome: CallOutcome | undefined,
): Promise<ExportLinkAnswer> =>
  api.call(exportLinkAnswerSchema, 'POST', `${campaignPath(id)}/export-link`, outcome ? { outcome } : {});

/** Runs `work` over `items` with at most `limit` running at once; results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
