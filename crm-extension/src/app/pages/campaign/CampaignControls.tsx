import { Alert, Button, ButtonRow, Flex, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { ApiCallError } from '../../lib/api-client.js';
import { useApi } from '../../lib/api-context.js';
import { ApiErrorAlert } from '../../lib/RemoteView.js';
import { asApiError } from '../../lib/remote-state.js';
import type { CampaignStatus, CampaignView } from '../../lib/shared.js';
import { type CampaignAction, runCampaignAction } from '../campaigns-api.js';

/** What each action asks before it runs, and the button that confirms it. */
const CONFIRMATIONS: Record<CampaignAction, { label: string; title: string; body: string; confirm: string }> =
  {
    pause: {
      label: 'Pause',
      title: 'Pause this campaign?',
      body: 'Calls under way finish; no new calls are placed until you resume it.',
      confirm: 'Yes, pause',
    },
    resume: {
      label: 'Resume',
      title: 'Resume this campaign?',
      body: 'Calls start again at once, inside the calling window and the caps.',
      confirm: 'Yes, resume',
    },
    cancel: {
      label: 'Cancel campaign',
      title: 'Cancel this campaign?',
      body: 'No more calls are placed and it cannot be resumed. Results so far are kept.',
      confirm: 'Yes, cancel it',
    },
  };

/** The actions a status allows (the service answers 409 to any other, shown like any error). */
export function actionsFor(status: CampaignStatus): CampaignAction[] {
  switch (status) {
    case 'active':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'draft':
    case 'importing':
    case 'ready':
      return ['cancel'];
    case 'completed':
    case 'cancelled':
      return [];
  }
}

/** Pause, resume and cancel, each after a confirmation; the API's refusal (e.g. 409) shown as it said it. */
export function CampaignControls({
  campaignId,
  status,
  onChanged,
}: {
  campaignId: string;
  status: CampaignStatus;
  onChanged: (campaign: CampaignView) => void;
}) {
  const api = useApi();
  const [confirming, setConfirming] = useState<CampaignAction | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);

  const run = async (action: CampaignAction) => {
    setPending(true);
    setError(null);
    try {
      onChanged(await runCampaignAction(api, campaignId, action));
      setConfirming(null);
    } catch (e) {
      setError(asApiError(e));
      setConfirming(null);
    } finally {
      setPending(false);
    }
  };

  const actions = actionsFor(status);
  return (
    <Flex direction="column" gap="small">
      {confirming === null ? (
        actions.length > 0 ? (
          <ButtonRow>
            {actions.map((action) => (
              <Button
                key={action}
                variant={action === 'cancel' ? 'destructive' : 'secondary'}
                onClick={() => {
                  setError(null);
                  setConfirming(action);
                }}
              >
                {CONFIRMATIONS[action].label}
              </Button>
            ))}
          </ButtonRow>
        ) : null
      ) : (
        <Alert
          title={CONFIRMATIONS[confirming].title}
          variant={confirming === 'cancel' ? 'danger' : 'warning'}
        >
          <Text>{CONFIRMATIONS[confirming].body}</Text>
          <ButtonRow>
            <Button
              variant={confirming === 'cancel' ? 'destructive' : 'primary'}
              disabled={pending}
              onClick={() => void run(confirming)}
            >
              {CONFIRMATIONS[confirming].confirm}
            </Button>
            <Button variant="secondary" disabled={pending} onClick={() => setConfirming(null)}>
              No, go back
            </Button>
          </ButtonRow>
        </Alert>
      )}
      {error ? <ApiErrorAlert error={error} /> : null}
    </Flex>
  );
}
