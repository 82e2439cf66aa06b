import { useCallback, useRef } from 'react';
import { useApi } from '../../lib/api-context.js';
import { useRemote } from '../../lib/remote-state.js';
import type { CampaignStatsView } from '../../lib/shared.js';
import { getCampaignStats } from '../campaigns-api.js';
import { isLive } from '../format.js';

/** How often the statistics of a running campaign are read again, and for how long nobody touching the page. */
export interface PollTiming {
  readonly pollMs: number;
  /**
   * HubSpot's extension worker has no page-visibility signal (0.17 declares none), so a hidden tab cannot be told
   * from an open one. Polling stops after this long without a click on the page instead, and a button restarts it.
   */
  readonly idleMs: number;
}

export const DEFAULT_POLL_TIMING: PollTiming = { pollMs: 5_000, idleMs: 15 * 60_000 };

/**
 * A campaign's statistics, read again every `pollMs` while the campaign runs (active or importing) and the page
 * was used in the last `idleMs`; `touch()` marks use, `reload()` reads now (after an action or an edit).
 */
export function useLiveStats(campaignId: string, timing: PollTiming) {
  const api = useApi();
  const lastUse = useRef(Date.now());
  const idle = () => Date.now() - lastUse.current >= timing.idleMs;
  const { state, reload } = useRemote<CampaignStatsView>(
    () => getCampaignStats(api, campaignId),
    campaignId,
    {
      pollMs: timing.pollMs,
      poll: (stats) => isLive(stats.status) && !idle(),
    },
  );
  const touch = useCallback(() => {
    lastUse.current = Date.now();
  }, []);
  const live = state.status === 'ready' && isLive(state.data.status);
  return { state, reload, touch, live, idle: live && idle() };
}
