import { Accordion, Alert, Button, Divider, Flex, Heading, StatusTag, Text } from '@hubspot/ui-extensions';
import { useApi } from '../../lib/api-context.js';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import type { CampaignView } from '../../lib/shared.js';
import { getCampaign } from '../campaigns-api.js';
import { STATUS_LABELS, STATUS_VARIANTS } from '../format.js';
import { AttemptsTable } from './AttemptsTable.js';
import { CampaignControls } from './CampaignControls.js';
import { CampaignNumbers } from './CampaignNumbers.js';
import { CampaignSettingsForm } from './CampaignSettingsForm.js';
import { DEFAULT_POLL_TIMING, type PollTiming, useLiveStats } from './live-stats.js';

export interface CampaignPageProps {
  readonly campaignId: string;
  readonly onBack: () => void;
  /** Polling cadence; tests pass short intervals. */
  readonly timing?: PollTiming;
}

/**
 * One campaign: its live statistics and outcome chart, pause / resume / cancel, its settings, and its calls. The
 * status shown is the statistics' (read every few seconds while the campaign runs), so a campaign that completes
 * on its own shows it without a reload.
 */
export function CampaignPage({ campaignId, onBack, timing = DEFAULT_POLL_TIMING }: CampaignPageProps) {
  const api = useApi();
  const campaign = useRemote(() => getCampaign(api, campaignId), campaignId);
  const stats = useLiveStats(campaignId, timing);

  const changed = (_updated: CampaignView) => {
    stats.touch();
    campaign.reload();
    stats.reload();
  };

  return (
    <Flex direction="column" gap="medium">
      <Button variant="transparent" onClick={onBack}>
        ← All campaigns
      </Button>
      <RemoteView state={campaign.state} label="Loading campaign" onRetry={campaign.reload}>
        {(view) => {
          const status = stats.state.status === 'ready' ? stats.state.data.status : view.status;
          return (
            <Flex direction="column" gap="medium">
              <Flex direction="row" gap="small" align="center">
                <Heading>{view.name}</Heading>
                <StatusTag variant={STATUS_VARIANTS[status]}>{STATUS_LABELS[status]}</StatusTag>
              </Flex>
              {view.statusReason ? <Text>{view.statusReason}</Text> : null}
              {view.import.error ? (
                <Alert title="The list import stopped" variant="warning">
                  {view.import.error}
                </Alert>
              ) : null}
              <CampaignControls campaignId={campaignId} status={status} onChanged={changed} />
              <RemoteView state={stats.state} label="Loading statistics" onRetry={stats.reload}>
                {(data) => <CampaignNumbers stats={data} />}
              </RemoteView>
              {stats.idle ? (
                <Alert title="Live updates paused" variant="info">
                  <Text>Nobody used this page for a while, so it stopped refreshing its numbers.</Text>
                  <Button
                    size="xs"
                    variant="secondary"
                    onClick={() => {
                      stats.touch();
                      stats.reload();
                    }}
                  >
                    Refresh and keep updating
                  </Button>
                </Alert>
              ) : null}
              <Accordion title="Settings: calling window, caps, retries" defaultOpen={false}>
                <CampaignSettingsForm key={view.id} campaign={view} onSaved={changed} />
              </Accordion>
              <Divider />
              <Heading>Calls</Heading>
              <AttemptsTable
                campaignId={campaignId}
                onUse={stats.touch}
                refreshKey={stats.state.status === 'ready' ? `${stats.state.data.attempts}` : undefined}
              />
            </Flex>
          );
        }}
      </RemoteView>
    </Flex>
  );
}
