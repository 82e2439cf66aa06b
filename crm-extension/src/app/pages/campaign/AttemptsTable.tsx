import {
  EmptyState,
  Flex,
  Select,
  Table,
  TableBody,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../lib/api-context.js';
import { CALL_RESULT_HEADERS, CallRow } from '../../lib/CallRow.js';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import { type AttemptView, CALL_OUTCOMES, type CallOutcome, OUTCOME_LABELS } from '../../lib/shared.js';
import { listAttempts, PAGE_SIZE } from '../campaigns-api.js';
import { formatDateTime, pageCountOf } from '../format.js';
import { ExportButton } from './ExportButton.js';

const ALL = 'all';
const OUTCOME_OPTIONS = [
  { label: 'All outcomes', value: ALL },
  ...CALL_OUTCOMES.map((outcome) => ({ label: OUTCOME_LABELS[outcome], value: outcome })),
];
const isOutcome = (value: unknown): value is CallOutcome =>
  typeof value === 'string' && (CALL_OUTCOMES as readonly string[]).includes(value);

const STATUS_TEXT: Record<AttemptView['status'], string> = {
  dialing: 'Dialling',
  placed: 'In call',
  unknown: 'Being checked',
  ended: 'Ended',
};

/**
 * The campaign's attempts (dials), newest first, paged and filtered by outcome, with the CSV export of the same
 * filter. `refreshKey` changes when the page's statistics do, so new attempts show up while the campaign runs.
 */
export function AttemptsTable({
  campaignId,
  refreshKey,
  onUse = () => {},
}: {
  campaignId: string;
  /** Someone is using the page (keeps live updates on, see PollTiming.idleMs). */
  onUse?: () => void;
  /** Changes when there may be new attempts to show; undefined until known. */
  refreshKey: string | undefined;
}) {
  const api = useApi();
  const [outcome, setOutcome] = useState<CallOutcome | undefined>(undefined);
  const [pageNumber, setPageNumber] = useState(1);
  const { state, reload } = useRemote(
    () => listAttempts(api, campaignId, { outcome, offset: (pageNumber - 1) * PAGE_SIZE }),
    `${campaignId}|${outcome ?? ALL}|${pageNumber}`,
  );
  // Read the page again when the statistics say there are new attempts (not when they first arrive).
  const seenKey = useRef(refreshKey);
  useEffect(() => {
    if (seenKey.current !== refreshKey && seenKey.current !== undefined && refreshKey !== undefined) reload();
    seenKey.current = refreshKey;
  }, [refreshKey, reload]);

  return (
    <Flex direction="column" gap="small">
      <Flex direction="row" gap="medium" align="end" justify="between">
        <Select
          label="Outcome"
          name="outcome"
          options={OUTCOME_OPTIONS}
          value={outcome ?? ALL}
          onChange={(value) => {
            onUse();
            setOutcome(isOutcome(value) ? value : undefined);
            setPageNumber(1);
          }}
        />
        <ExportButton campaignId={campaignId} outcome={outcome} />
      </Flex>
      <RemoteView state={state} label="Loading calls" onRetry={reload}>
        {(page) =>
          page.items.length === 0 ? (
            <EmptyState
              title={outcome ? `No calls ended ${OUTCOME_LABELS[outcome].toLowerCase()}` : 'No calls yet'}
            >
              <Text>Calls show up here as soon as they are dialled.</Text>
            </EmptyState>
          ) : (
            <Table
              bordered
              paginated
              pageCount={pageCountOf(page)}
              page={pageNumber}
              onPageChange={(page) => {
                onUse();
                setPageNumber(page);
              }}
            >
              <TableHead>
                <TableRow>
                  <TableHeader>Contact</TableHeader>
                  {CALL_RESULT_HEADERS.map((header) => (
                    <TableHeader key={header}>{header}</TableHeader>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {page.items.map((attempt) => (
                  <AttemptRow key={attempt.attemptId} attempt={attempt} />
                ))}
              </TableBody>
            </Table>
          )
        }
      </RemoteView>
      {state.status === 'ready' ? <Text variant="microcopy">{`${state.data.total} calls`}</Text> : null}
    </Flex>
  );
}

/** An attempt as the shared call row shows it. */
function AttemptRow({ attempt }: { attempt: AttemptView }) {
  return (
    <CallRow
      subject={`${attempt.firstName ?? 'Contact'} · ${attempt.phone}`}
      when={formatDateTime(attempt.dialledAt)}
      outcome={attempt.outcome}
      statusText={STATUS_TEXT[attempt.status]}
      durationSeconds={attempt.durationSecs}
      pledge={attempt.pledge}
      summary={attempt.summary}
      conversationUrl={attempt.conversationUrl}
    />
  );
}
