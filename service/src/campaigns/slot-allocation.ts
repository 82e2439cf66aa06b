export interface CampaignDemand {
  readonly campaignId: string;
  /** Slots this campaign may still use: min(concurrency cap − in flight, daily cap − dials today). */
  readonly free: number;
  /** Due contacts it could dial right now (probed up to `free`). */
  readonly due: number;
}

/**
 * Shares the account's free call slots fairly: one slot at a time, round-robin in the given order (campaigns
 * served least recently first), so a huge campaign cannot starve a small one. Pure; the dispatcher supplies
 * the numbers it read in its transaction.
 */
export function allocateSlots(demands: readonly CampaignDemand[], accountFree: number): Map<string, number> {
  const wants = demands.map((d) => ({ id: d.campaignId, left: Math.max(0, Math.min(d.free, d.due)) }));
  const granted = new Map<string, number>();
  let budget = Math.max(0, accountFree);
  let progress = true;
  while (budget > 0 && progress) {
    progress = false;
    for (const want of wants) {
      if (budget === 0) break;
      if (want.left === 0) continue;
      want.left -= 1;
      budget -= 1;
      granted.set(want.id, (granted.get(want.id) ?? 0) + 1);
      progress = true;
    }
  }
  return granted;
}
