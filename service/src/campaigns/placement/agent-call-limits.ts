import type { ElevenLabsApi } from '../../elevenlabs/index.js';
import type { EngineDeps } from '../engine-deps.js';

/** An agent's settings change rarely: read them at most this often. */
const FRESH_MS = 10 * 60_000;
/** After a failed read, the configured maximum is used this long before asking again. */
const RETRY_READ_MS = 60_000;

const caches = new WeakMap<ElevenLabsApi, Map<string, { secs: number | null; until: number }>>();

/**
 * The longest a call of this agent may last, which times the call's first look at ElevenLabs: the agent's own
 * maximum conversation duration (read from ElevenLabs, kept for ten minutes), capped by the configured
 * CALL_MAX_DURATION_SECONDS, which also stands in when ElevenLabs cannot say. Never throws: a failed read only
 * means the configured maximum is used.
 */
export async function maxCallDurationFor(
  deps: Pick<EngineDeps, 'elevenlabs' | 'settings' | 'logger'>,
  agentId: string,
): Promise<number> {
  const cap = deps.settings.maxCallDurationSecs;
  let cache = caches.get(deps.elevenlabs);
  if (!cache) {
    cache = new Map();
    caches.set(deps.elevenlabs, cache);
  }
  const now = Date.now();
  let entry = cache.get(agentId);
  if (!entry || entry.until <= now) {
    try {
      const agent = await deps.elevenlabs.getAgent(agentId);
      entry = { secs: agent?.maxCallDurationSecs ?? null, until: now + FRESH_MS };
    } catch (error) {
      deps.logger.warn(
        { err: error, agentId },
        'agent settings unavailable: using CALL_MAX_DURATION_SECONDS',
      );
      entry = { secs: null, until: now + RETRY_READ_MS };
    }
    cache.set(agentId, entry);
  }
  return Math.min(entry.secs ?? cap, cap);
}
