/**
 * What the features report for operations, as a narrow interface: the features call these methods (through
 * `deps.metrics`, possibly absent in tests) and never see the metrics library; `ops/` implements it with
 * prom-client. Every argument that becomes a label is a closed set, so label cardinality stays bounded.
 */

export type DialResultKind = 'placed' | 'rejected' | 'at_capacity' | 'unknown';
export type Provider = 'hubspot' | 'elevenlabs';
export type WebhookVerification = 'valid' | 'invalid_signature' | 'invalid_body' | 'unstorable';

export interface Metrics {
  /** One dial request's result, as placement saw it. */
  dialResult(kind: DialResultKind): void;
  /** From the moment a contact was due to the moment its dial left (seconds, engine clock). */
  dueToDial(seconds: number): void;
  /** One dispatch tick's wall time, in seconds. */
  dispatchTick(seconds: number): void;
  /** An outcome recorded for the first time (replays are not counted). */
  outcomeRecorded(outcome: string): void;
  /** A POST /webhooks/elevenlabs and what its verification said; `eventType` is folded to the known types. */
  webhookReceived(eventType: string | null, verification: WebhookVerification): void;
  /** A write-back run's rows: written, refused for good, left pending for a retry. */
  writebackRows(rows: { readonly done: number; readonly rejected: number; readonly pending: number }): void;
  /** One HTTP exchange with a provider: its status (null: no answer) and how long it took, in seconds. */
  providerRequest(provider: Provider, status: number | null, seconds: number): void;
}

/** Records nothing: what features use when no metrics are wired (unit tests, scripts). */
export const noMetrics: Metrics = {
  dialResult: () => {},
  dueToDial: () => {},
  dispatchTick: () => {},
  outcomeRecorded: () => {},
  webhookReceived: () => {},
  writebackRows: () => {},
  providerRequest: () => {},
};

/**
 * A fetch that reports each exchange's status and latency: handed to the provider clients (the ElevenLabs SDK's
 * `fetch` option, the HubSpot transport), so every HTTP attempt, retries included, is measured in one place.
 */
export function timedFetch(provider: Provider, metrics: Metrics, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    try {
      const response = await inner(input, init);
      metrics.providerRequest(provider, response.status, (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      metrics.providerRequest(provider, null, (performance.now() - started) / 1000);
      throw error;
    }
  };
}
