import { Alert, Button, LoadingSpinner } from '@hubspot/ui-extensions';
import type { ReactNode } from 'react';
import type { ApiCallError } from './api-client.js';
import type { RemoteState } from './remote-state.js';

/** The API's own message in HubSpot's alert; 401s get the one thing a user can do about them. */
export function ApiErrorAlert({ error, onRetry }: { error: ApiCallError; onRetry?: () => void }) {
  const title =
    error.status === 401
      ? 'This HubSpot account is not connected to the fundraising service'
      : error.status === 0
        ? 'The fundraising service is unreachable'
        : 'Something went wrong';
  return (
    <Alert title={title} variant="error">
      {error.message}
      {onRetry ? (
        <Button size="xs" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </Alert>
  );
}

/** The one pattern every view uses: a spinner while loading, the API's error in an alert, or the view. */
export function RemoteView<T>({
  state,
  label,
  onRetry,
  children,
}: {
  state: RemoteState<T>;
  /** What is loading, for the spinner's label ("Loading campaigns"). */
  label: string;
  onRetry?: () => void;
  children: (data: T, refreshing: boolean) => ReactNode;
}) {
  if (state.status === 'loading') return <LoadingSpinner label={label} />;
  if (state.status === 'error')
    return <ApiErrorAlert error={state.error} {...(onRetry ? { onRetry } : {})} />;
  return <>{children(state.data, state.refreshing)}</>;
}
