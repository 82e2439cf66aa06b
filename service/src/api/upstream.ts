import { AppError } from '../core/app-error.js';
import { ElevenLabsApiError } from '../elevenlabs/index.js';
import { HubSpotApiError } from '../hubspot/index.js';

/**
 * A request that HubSpot or ElevenLabs failed (after the clients' own retries) is a 502 saying which system and
 * why, not a 500: the card can tell the fundraiser to try again, and nothing of ours is wrong. Any other error
 * (ours: a 400, a 404, a bug) passes through untouched.
 */
export async function fromUpstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const system =
      error instanceof HubSpotApiError
        ? 'HubSpot'
        : error instanceof ElevenLabsApiError
          ? 'ElevenLabs'
          : null;
    if (system === null || !(error instanceof Error)) throw error;
    throw new AppError({
      code: 'upstream_unavailable',
      status: 502,
      message: `${system} could not be reached or refused the request: ${error.message}`,
      cause: error,
    });
  }
}
