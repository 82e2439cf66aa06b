import { useCallback, useRef, useState } from 'react';
import { asApiError, type RemoteState } from '../../lib/remote-state.js';

/** A request the fundraiser triggers (a click), not one a view loads: idle until run, then a RemoteState. */
export type ActionState<T> = { readonly status: 'idle' } | RemoteState<T>;

/** Runs `action` on demand; a second run while one is in flight is ignored (one create per click). */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
): { state: ActionState<T>; run: (...args: A) => Promise<T | undefined>; reset: () => void } {
  const [state, setState] = useState<ActionState<T>>({ status: 'idle' });
  const busy = useRef(false);
  const actionRef = useRef(action);
  actionRef.current = action;
  const run = useCallback(async (...args: A) => {
    if (busy.current) return undefined;
    busy.current = true;
    setState({ status: 'loading' });
    try {
      const data = await actionRef.current(...args);
      setState({ status: 'ready', data, refreshing: false });
      return data;
    } catch (error) {
      setState({ status: 'error', error: asApiError(error) });
      return undefined;
    } finally {
      busy.current = false;
    }
  }, []);
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, run, reset };
}
