import type { ServiceDeps } from '../core/deps.js';
import { type Dispatcher, startDispatcher } from './dispatch/dispatcher.js';
import { startDialCheckPrefetcher } from './placement/dial-check-prefetch.js';

/** The dispatch loop, with the pre-dial HubSpot reads riding on its ticks. Runs in every worker process. */
export function startCampaignLoops(deps: ServiceDeps): Dispatcher {
  const prefetcher = startDialCheckPrefetcher(deps);
  const dispatcher = startDispatcher(deps, () => prefetcher.poke());
  return {
    ...dispatcher,
    async stop() {
      await dispatcher.stop();
      await prefetcher.stop();
    },
  };
}
