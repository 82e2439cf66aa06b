import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiCallError } from './api-client.js';

/**
 * Every view's data is one of these, and only one: loading, an error (the API's message, shown in HubSpot's
 * alert), or ready with its data. `refreshing` marks a ready view being reloaded (polling) without hiding it.
 */
export type RemoteState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: ApiCallError }
  | { readonly status: 'ready'; readonly data: T; readonly refreshing: boolean };

export const asApiError = (error: unknown): ApiCallError =>
  error instanceof ApiCallError
    ? error
    : new ApiCallError(0, {
        code: 'unexpected',
        message: error instanceof Error ? error.message : String(error),
      });

/**
 * Loads `load()` when `key` changes, and again on `reload()` (and every `pollMs` while `poll` holds). A newer load
 * wins over an older one still in flight.
 */
export function useRemote<T>(
  load: () => Promise<T>,
  key: string,
  options: { pollMs?: number; poll?: (data: T) => boolean } = {},
): { state: RemoteState<T>; reload: () => void } {
  const [state, setState] = useState<RemoteState<T>>({ status: 'loading' });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => (s.status === 'ready' ? { ...s, refreshing: true } : { status: 'loading' }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ status: 'ready', data, refreshing: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ status: 'error', error: asApiError(error) });
      },
    );
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the key changes, not when load's identity does
  useEffect(() => {
    run();
  }, [key, run]);

  const { pollMs, poll } = options;
  const polling = state.status === 'ready' && pollMs !== undefined && (poll?.(state.data) ?? true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `state` re-arms the timer after each load (one poll at a time)
  useEffect(() => {
    if (!polling || pollMs === undefined) return;
    const timer = setTimeout(run, pollMs);
    return () => clearTimeout(timer);
  }, [polling, pollMs, run, state]);

  return { state, reload: run };
}
