import { AppError } from '../core/app-error.js';
import { ElevenLabsApiError } from '../elevenlabs/index.js';
import { HubSpotApiError } from '../hubspot/index.js';

/**
 * A catalog read that HubSpot or ElevenLabs failed (after the clients' own retries) is a 502 saying which system
 * and why, not a 500: the card can tell the fundraiser to try again, and nothing of ours is wrong.
 */
export async function fromUpstream<T>(system: 'HubSpot' | 'ElevenLabs', read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HubSpotApiError || error instanceof ElevenLabsApiError) {
      throw new AppError({
        code: 'upstream_unavailable',
        status: 502,
        message: `${system} could not be read: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  }
}
