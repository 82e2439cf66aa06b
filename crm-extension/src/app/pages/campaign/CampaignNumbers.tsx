import { BarChart, Flex, ProgressBar, Statistics, StatisticsItem, Text } from '@hubspot/ui-extensions';
import type { CampaignStatsView } from '../../lib/shared.js';
import {
  formatAmount,
  formatCredits,
  formatDateTime,
  formatDuration,
  outcomeCounts,
  progressOf,
} from '../format.js';

/** The numbers the fundraiser watches: progress, the key figures, and contacts by outcome as a bar chart. */
export function CampaignNumbers({ stats }: { stats: CampaignStatsView }) {
  const progress = progressOf(stats);
  const outcomes = outcomeCounts(stats);
  return (
    <Flex direction="column" gap="medium">
      <ProgressBar
        title="Contacts done"
        value={progress.done}
        maxValue={Math.max(progress.total, 1)}
        valueDescription={`${progress.done} of ${progress.total} contacts`}
        showPercentage
      />
      <Statistics>
        <StatisticsItem label="Pledges" number={formatAmount(stats.pledges.sum)}>
          <Text>{`${stats.pledges.count} pledge${stats.pledges.count === 1 ? '' : 's'}`}</Text>
        </StatisticsItem>
        <StatisticsItem label="Calls in flight" number={stats.callsInFlight} />
        <StatisticsItem label="Dials today" number={stats.dialsToday} />
        <StatisticsItem label="Cost" number={formatCredits(stats.cost)} />
        <StatisticsItem label="Estimated completion" number={formatDateTime(stats.estimatedCompletionAt)}>
          <Text>{`Average call ${formatDuration(stats.averageCallSeconds)}; windows and retries add to it`}</Text>
        </StatisticsItem>
      </Statistics>
      {outcomes.length === 0 ? (
        <Text>No call has ended yet.</Text>
      ) : (
        <BarChart
          data={outcomes.map((o) => ({ outcome: o.label, contacts: o.count }))}
          axes={{
            x: { field: 'outcome', fieldType: 'category', label: 'Outcome' },
            y: { field: 'contacts', fieldType: 'linear', label: 'Contacts' },
          }}
          options={{ title: 'Contacts by latest outcome', showDataLabels: true, showTooltips: true }}
        />
      )}
    </Flex>
  );
}
