import type { AgentView } from '@fundraising/shared';
import type { AgentDetails, ElevenLabsApi } from '../elevenlabs/index.js';

/** Agent detail reads at once: the list of agents has no voice or first message, so each agent is read. */
const DETAIL_READS_AT_ONCE = 4;

/**
 * The agents a campaign can use, with what the fundraiser chooses by: the voice (named from the workspace's
 * voices), the agent's own first message and whether a campaign may replace it. Archived agents are left out, and
 * so is an agent deleted between the list and its read.
 */
export async function agentViews(elevenlabs: ElevenLabsApi): Promise<AgentView[]> {
  const [agents, voices] = await Promise.all([elevenlabs.listAgents(), elevenlabs.listVoices()]);
  const usable = agents.filter((a) => !a.archived);
  const details = await mapWithLimit(usable, DETAIL_READS_AT_ONCE, (a) => elevenlabs.getAgent(a.agentId));
  const voiceNames = new Map(voices.map((v) => [v.voiceId, v.name]));
  return usable.flatMap((agent, i): AgentView[] => {
    const detail: AgentDetails | null | undefined = details[i];
    if (!detail) return [];
    return [
      {
        agentId: agent.agentId,
        name: detail.name,
        tags: agent.tags,
        voice: detail.voiceId
          ? { voiceId: detail.voiceId, name: voiceNames.get(detail.voiceId) ?? null }
          : null,
        firstMessage: detail.firstMessage,
        language: detail.language,
        allowsFirstMessageOverride: detail.allowsFirstMessageOverride,
        lastCallAt:
          agent.lastCallTimeUnixSecs === null
            ? null
            : new Date(agent.lastCallTimeUnixSecs * 1000).toISOString(),
      },
    ];
  });
}

/** `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. */
async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
