import {
  Alert,
  Button,
  ButtonRow,
  DescriptionList,
  DescriptionListItem,
  Divider,
  EmptyState,
  Flex,
  Heading,
  LoadingButton,
  Select,
  StatusTag,
  Table,
  TableBody,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { ApiCallError } from '../lib/api-client.js';
import { useApi } from '../lib/api-context.js';
import { CALL_RESULT_HEADERS, CallRow } from '../lib/CallRow.js';
import { ApiErrorAlert, RemoteView } from '../lib/RemoteView.js';
import { asApiError, useRemote } from '../lib/remote-state.js';
import {
  type CallNowResponse,
  type ContactCall,
  type ContactCampaignState,
  type DoNotCallStatus,
  OUTCOME_LABELS,
} from '../lib/shared.js';
import {
  CALLS_PAGE_SIZE,
  type ContactTabData,
  callNow,
  loadContactTab,
  newIdempotencyKey,
  setDoNotCall,
} from './contact-api.js';
import { inZones, localTimeText, RULE_LABELS, wallTime } from './format.js';

export interface ContactAiCallsProps {
  /** The HubSpot contact record's id (context.crm.objectId). */
  readonly contactId: string;
  /** The portal's zone (context.portal.timezone): for times when the contact's own zone is not known. */
  readonly portalTimeZone: string;
}

/**
 * The contact record's "AI calls" tab: do-not-call, the contact in active campaigns, "call now", and every AI call
 * to the contact. One load (history page, state, active campaigns); each action reloads it when done.
 */
export function ContactAiCalls({ contactId, portalTimeZone }: ContactAiCallsProps) {
  const api = useApi();
  const [page, setPage] = useState(0);
  const { state, reload } = useRemote(() => loadContactTab(api, contactId, page), `${contactId}:${page}`);
  return (
    <RemoteView state={state} label="Loading AI calls" onRetry={reload}>
      {(data) => (
        <ContactTabView
          data={data}
          contactId={contactId}
          zones={contactZones(data, portalTimeZone)}
          page={page}
          onPage={setPage}
          onChanged={reload}
        />
      )}
    </RemoteView>
  );
}

/** The contact's zones as the service found them for its next attempts; else the portal's (named as such). */
function contactZones(data: ContactTabData, portalTimeZone: string): { zones: string[]; known: boolean } {
  const zones = [
    ...new Set(data.state.campaigns.flatMap((c) => c.nextAttempt?.local.map((l) => l.timeZone) ?? [])),
  ];
  return zones.length > 0 ? { zones, known: true } : { zones: [portalTimeZone], known: false };
}

type Zones = ReturnType<typeof contactZones>;

function ContactTabView({
  data,
  contactId,
  zones,
  page,
  onPage,
  onChanged,
}: {
  data: ContactTabData;
  contactId: string;
  zones: Zones;
  page: number;
  onPage: (page: number) => void;
  onChanged: () => void;
}) {
  return (
    <Flex direction="column" gap="md">
      <DoNotCallSection contactId={contactId} status={data.state.doNotCall} onChanged={onChanged} />
      <Divider />
      <CallNowSection data={data} contactId={contactId} zones={zones} onCalled={onChanged} />
      <Divider />
      <CampaignStates campaigns={data.state.campaigns} />
      <Divider />
      <CallHistory data={data} zones={zones} page={page} onPage={onPage} />
    </Flex>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Do not call

type DncAction =
  | { status: 'idle' }
  | { status: 'saving' }
  /** Clearing hit the donor's own opt-out: the service wants an explicit override. */
  | { status: 'confirm'; message: string }
  | { status: 'error'; error: ApiCallError };

function DoNotCallSection({
  contactId,
  status,
  onChanged,
}: {
  contactId: string;
  status: DoNotCallStatus;
  onChanged: () => void;
}) {
  const api = useApi();
  const [action, setAction] = useState<DncAction>({ status: 'idle' });

  const send = (doNotCall: boolean, overrideOptOut: boolean) => {
    setAction({ status: 'saving' });
    setDoNotCall(api, contactId, { doNotCall, ...(overrideOptOut ? { overrideOptOut: true } : {}) }).then(
      () => {
        setAction({ status: 'idle' });
        onChanged();
      },
      (e: unknown) => {
        const error = asApiError(e);
        if (error.status === 409 && error.field === 'overrideOptOut')
          setAction({ status: 'confirm', message: error.message });
        else setAction({ status: 'error', error });
      },
    );
  };

  return (
    <Flex direction="column" gap="sm">
      <Toggle
        label="Do not call"
        labelDisplay="inline"
        checked={status.active}
        readOnly={action.status === 'saving'}
        textChecked="On"
        textUnchecked="Off"
        onChange={(checked) => send(checked, false)}
      />
      {status.numbers.length > 0 ? (
        <Text variant="microcopy">
          Blocked numbers:{' '}
          {status.numbers.map((n) => `${n.maskedPhone} (${n.reason.replace(/_/g, ' ')})`).join(', ')}
        </Text>
      ) : null}
      {status.hubspot?.status === 'pending' ? (
        <Text variant="microcopy">Writing {status.hubspot.properties.join(', ')} to HubSpot…</Text>
      ) : null}
      {status.hubspot?.status === 'failed' ? (
        <Text variant="microcopy">
          HubSpot refused the property write: {status.hubspot.error ?? 'unknown error'}
        </Text>
      ) : null}
      {action.status === 'confirm' ? (
        <Alert title="This donor asked not to be called" variant="warning">
          {action.message}
          <ButtonRow>
            <Button variant="destructive" size="xs" onClick={() => send(false, true)}>
              Clear anyway (donor consented again)
            </Button>
            <Button variant="secondary" size="xs" onClick={() => setAction({ status: 'idle' })}>
              Keep do not call
            </Button>
          </ButtonRow>
        </Alert>
      ) : null}
      {action.status === 'error' ? <ApiErrorAlert error={action.error} /> : null}
    </Flex>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Call now

type CallNowAction =
  | { status: 'idle' }
  | { status: 'calling' }
  | { status: 'answered'; answer: CallNowResponse }
  | { status: 'error'; error: ApiCallError };

function CallNowSection({
  data,
  contactId,
  zones,
  onCalled,
}: {
  data: ContactTabData;
  contactId: string;
  zones: Zones;
  onCalled: () => void;
}) {
  const api = useApi();
  // The contact's own active campaigns first, then the portal's other active ones.
  const options = uniqueById([
    ...data.state.campaigns.filter((c) => c.campaign.status === 'active').map((c) => c.campaign),
    ...data.activeCampaigns,
  ]).map((c) => ({ label: c.name, value: c.id }));
  const [campaignId, setCampaignId] = useState<string>(options[0]?.value ?? '');
  const [action, setAction] = useState<CallNowAction>({ status: 'idle' });

  const call = () => {
    if (campaignId === '') return;
    setAction({ status: 'calling' });
    callNow(api, contactId, { campaignId, idempotencyKey: newIdempotencyKey() }).then(
      (answer) => {
        setAction({ status: 'answered', answer });
        if (answer.status === 'dialing') onCalled();
      },
      (e: unknown) => setAction({ status: 'error', error: asApiError(e) }),
    );
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Call now</Heading>
      {options.length === 0 ? (
        <Text>No campaign is active: start one to call this contact.</Text>
      ) : (
        <Flex direction="row" gap="sm" align="end">
          <Select
            label="Campaign"
            name="callNowCampaign"
            value={campaignId}
            options={options}
            onChange={(value) => setCampaignId(String(value))}
          />
          <LoadingButton variant="primary" loading={action.status === 'calling'} onClick={call}>
            Call now
          </LoadingButton>
        </Flex>
      )}
      {action.status === 'answered' ? <CallNowAnswer answer={action.answer} zones={zones} /> : null}
      {action.status === 'error' ? <ApiErrorAlert error={action.error} /> : null}
    </Flex>
  );
}

function CallNowAnswer({ answer, zones }: { answer: CallNowResponse; zones: Zones }) {
  if (answer.status === 'dialing') {
    return (
      <Alert title="Calling" variant="success">
        The AI agent is calling this contact now. The outcome appears below when the call ends.
      </Alert>
    );
  }
  return (
    <Alert title={`Not allowed now: ${RULE_LABELS[answer.rule]}`} variant="warning">
      {answer.message}
      {answer.nextAllowedAt === null ? (
        <Text>Waiting will not make it allowed.</Text>
      ) : (
        <Text>
          Next allowed: {inZones(answer.nextAllowedAt, zones.zones)}
          {zones.known ? '' : ' (portal time zone: the contact’s own is not known yet)'}
        </Text>
      )}
    </Alert>
  );
}

function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The contact in active campaigns

const STATE_LABELS: Record<ContactCampaignState['state'], string> = {
  imported: 'Imported',
  queued: 'Queued',
  dialing: 'In a call',
  done: 'Done',
  skipped: 'Skipped',
};

function CampaignStates({ campaigns }: { campaigns: readonly ContactCampaignState[] }) {
  return (
    <Flex direction="column" gap="sm">
      <Heading>Active campaigns</Heading>
      {campaigns.length === 0 ? (
        <Text>This contact is in no active or paused campaign.</Text>
      ) : (
        campaigns.map((c) => (
          <DescriptionList key={c.campaign.id} direction="row">
            <DescriptionListItem label="Campaign">
              <Text>
                {c.campaign.name} ({c.campaign.status})
              </Text>
            </DescriptionListItem>
            <DescriptionListItem label="State">
              <StatusTag variant={c.state === 'skipped' ? 'warning' : 'info'}>
                {STATE_LABELS[c.state]}
                {c.skipReason ? `: ${c.skipReason.replace(/_/g, ' ')}` : ''}
              </StatusTag>
            </DescriptionListItem>
            <DescriptionListItem label="Attempts">
              <Text>
                {c.attempts} of {c.maxAttempts}
              </Text>
            </DescriptionListItem>
            <DescriptionListItem label="Next attempt (contact's time)">
              <Text>
                {c.nextAttempt ? c.nextAttempt.local.map(localTimeText).join(' / ') : '—'}
                {c.waitReason ? ` · ${c.waitReason.replace(/_/g, ' ')}` : ''}
              </Text>
            </DescriptionListItem>
            <DescriptionListItem label="Last outcome">
              <Text>{c.lastOutcome ? OUTCOME_LABELS[c.lastOutcome] : '—'}</Text>
            </DescriptionListItem>
          </DescriptionList>
        ))
      )}
    </Flex>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Every AI call

function CallHistory({
  data,
  zones,
  page,
  onPage,
}: {
  data: ContactTabData;
  zones: Zones;
  page: number;
  onPage: (page: number) => void;
}) {
  const { calls } = data;
  if (calls.total === 0) {
    return (
      <EmptyState title="No AI calls yet" imageName="callingSetUp" layout="vertical">
        <Text>No AI campaign has called this contact.</Text>
      </EmptyState>
    );
  }
  const zone = zones.zones[0] ?? 'UTC';
  return (
    <Flex direction="column" gap="sm">
      <Heading>AI calls ({calls.total})</Heading>
      <Text variant="microcopy">Times in {zone}.</Text>
      <Table
        paginated
        pageCount={Math.max(1, Math.ceil(calls.total / CALLS_PAGE_SIZE))}
        page={page + 1}
        onPageChange={(n) => onPage(n - 1)}
      >
        <TableHead>
          <TableRow>
            <TableHeader>Campaign</TableHeader>
            {CALL_RESULT_HEADERS.map((header) => (
              <TableHeader key={header}>{header}</TableHeader>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {calls.items.map((call) => (
            <ContactCallRow key={call.attemptId} call={call} zone={zone} />
          ))}
        </TableBody>
      </Table>
    </Flex>
  );
}

/** A call to the contact as the shared call row shows it, at the contact's wall time. */
function ContactCallRow({ call, zone }: { call: ContactCall; zone: string }) {
  return (
    <CallRow
      subject={call.campaign.name}
      when={wallTime(call.at, zone)}
      outcome={call.outcome}
      statusText={call.status === 'in_progress' ? 'In progress' : 'No outcome'}
      durationSeconds={call.durationSeconds}
      pledge={call.pledge}
      summary={call.summary}
      conversationUrl={call.conversationUrl}
    />
  );
}
