import {
  Button,
  EmptyState,
  Flex,
  Heading,
  ProgressBar,
  Select,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { HeaderActions, PrimaryHeaderActionButton } from '@hubspot/ui-extensions/pages/home';
import { useState } from 'react';
import { useApi } from '../../lib/api-context.js';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import {
  CAMPAIGN_STATUSES,
  type CampaignPage,
  type CampaignStatsView,
  type CampaignStatus,
} from '../../lib/shared.js';
import {
  getCampaignStats,
  listCampaigns,
  mapBounded,
  PAGE_SIZE,
  STATS_CONCURRENCY,
} from '../campaigns-api.js';
import {
  formatAmount,
  formatCredits,
  outcomeSummary,
  pageCountOf,
  progressOf,
  STATUS_LABELS,
  STATUS_VARIANTS,
} from '../format.js';

/** A page of campaigns with each one's statistics (fetched for the campaigns shown, a few at a time). */
interface HomeData {
  readonly page: CampaignPage;
  readonly stats: ReadonlyMap<string, CampaignStatsView>;
}

const ALL = 'all';
const STATUS_OPTIONS = [
  { label: 'All statuses', value: ALL },
  ...CAMPAIGN_STATUSES.map((status) => ({ label: STATUS_LABELS[status], value: status })),
];

const isStatus = (value: unknown): value is CampaignStatus =>
  typeof value === 'string' && (CAMPAIGN_STATUSES as readonly string[]).includes(value);

export interface CampaignsHomeProps {
  readonly onCreate: () => void;
  readonly onOpen: (campaignId: string) => void;
}

/** The app's home page: the portal's campaigns with status, progress, dials today, outcomes, pledges and cost. */
export function CampaignsHome({ onCreate, onOpen }: CampaignsHomeProps) {
  const api = useApi();
  const [status, setStatus] = useState<CampaignStatus | undefined>(undefined);
  const [pageNumber, setPageNumber] = useState(1);

  const { state, reload } = useRemote<HomeData>(
    async () => {
      const page = await listCampaigns(api, { status, offset: (pageNumber - 1) * PAGE_SIZE });
      const stats = await mapBounded(page.items, STATS_CONCURRENCY, (c) => getCampaignStats(api, c.id));
      return { page, stats: new Map(stats.map((s) => [s.campaignId, s])) };
    },
    `${status ?? ALL}|${pageNumber}`,
  );

  return (
    <Flex direction="column" gap="medium">
      {/* The app home page's own header holds its main action. */}
      <HeaderActions>
        <PrimaryHeaderActionButton onClick={onCreate}>Create campaign</PrimaryHeaderActionButton>
      </HeaderActions>
      <Heading>Fundraising campaigns</Heading>
      <Select
        label="Status"
        name="status"
        options={STATUS_OPTIONS}
        value={status ?? ALL}
        onChange={(value) => {
          setStatus(isStatus(value) ? value : undefined);
          setPageNumber(1);
        }}
      />
      <RemoteView state={state} label="Loading campaigns" onRetry={reload}>
        {(data) =>
          data.page.items.length === 0 ? (
            <EmptyState
              title={status ? `No ${STATUS_LABELS[status].toLowerCase()} campaigns` : 'No campaigns yet'}
            >
              <Text>Create a campaign to call a HubSpot list with an AI voice agent.</Text>
              <Button variant="primary" onClick={onCreate}>
                Create campaign
              </Button>
            </EmptyState>
          ) : (
            <CampaignTable data={data} pageNumber={pageNumber} onPageChange={setPageNumber} onOpen={onOpen} />
          )
        }
      </RemoteView>
    </Flex>
  );
}

function CampaignTable({
  data,
  pageNumber,
  onPageChange,
  onOpen,
}: {
  data: HomeData;
  pageNumber: number;
  onPageChange: (page: number) => void;
  onOpen: (campaignId: string) => void;
}) {
  return (
    <Table
      bordered
      paginated
      pageCount={pageCountOf(data.page)}
      page={pageNumber}
      onPageChange={onPageChange}
    >
      <TableHead>
        <TableRow>
          <TableHeader>Campaign</TableHeader>
          <TableHeader>Status</TableHeader>
          <TableHeader>Progress</TableHeader>
          <TableHeader>Dials today</TableHeader>
          <TableHeader>Outcomes</TableHeader>
          <TableHeader>Pledges</TableHeader>
          <TableHeader>Cost</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {data.page.items.map((campaign) => {
          const stats = data.stats.get(campaign.id);
          const progress = stats ? progressOf(stats) : null;
          return (
            <TableRow key={campaign.id}>
              <TableCell>
                <Button variant="transparent" onClick={() => onOpen(campaign.id)}>
                  {campaign.name}
                </Button>
              </TableCell>
              <TableCell>
                <StatusTag variant={STATUS_VARIANTS[campaign.status]}>
                  {STATUS_LABELS[campaign.status]}
                </StatusTag>
              </TableCell>
              <TableCell>
                {progress ? (
                  <ProgressBar
                    value={progress.done}
                    maxValue={Math.max(progress.total, 1)}
                    valueDescription={`${progress.done} of ${progress.total} contacts`}
                    aria-label={`${campaign.name} progress`}
                  />
                ) : (
                  <Text>—</Text>
                )}
              </TableCell>
              <TableCell>{stats ? String(stats.dialsToday) : '—'}</TableCell>
              <TableCell>{stats ? outcomeSummary(stats) : '—'}</TableCell>
              <TableCell>
                {stats ? `${formatAmount(stats.pledges.sum)} (${stats.pledges.count})` : '—'}
              </TableCell>
              <TableCell>{stats ? formatCredits(stats.cost) : '—'}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
