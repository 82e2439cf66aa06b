import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListItem,
  Flex,
  Heading,
  ProgressBar,
  Text,
} from '@hubspot/ui-extensions';
import type { ReactNode } from 'react';
import { ApiErrorAlert, RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import type { AgentView, ImportPreview } from '../../lib/shared.js';
import type { ActionState } from './action-state.js';
import type { WizardDraft } from './draft.js';

const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** How often the import preview is re-read while the list import runs. */
export const IMPORT_POLL_MS = 1500;

/**
 * Step 5: the settings at a glance; "Create" saves the campaign (a draft that imports its list), then the import
 * preview shows who will be called and who is skipped and why, and "Launch" starts the calls.
 */
export function ReviewStep({
  draft,
  agent,
  campaignId,
  create,
  launch,
  unplaced,
  onCreate,
  onLaunch,
  api,
}: {
  draft: WizardDraft;
  agent: AgentView | undefined;
  campaignId: string | null;
  create: ActionState<unknown>;
  launch: ActionState<unknown>;
  /** Server errors no earlier step shows (e.g. on the idempotency key). */
  unplaced: [string, string][];
  onCreate: () => void;
  onLaunch: () => void;
  api: { importPreview: (id: string) => Promise<ImportPreview> };
}) {
  return (
    <Flex direction="column" gap="md">
      <DescriptionList direction="row">
        <DescriptionListItem label="Name">{draft.name}</DescriptionListItem>
        <DescriptionListItem label="List">{draft.listName || draft.listId}</DescriptionListItem>
        <DescriptionListItem label="Agent">{agent?.name ?? draft.agentId}</DescriptionListItem>
        <DescriptionListItem label="Calling">
          {draft.days.map((d) => WEEKDAY_SHORT[d - 1]).join(', ')} {draft.start}–{draft.end} local
        </DescriptionListItem>
        <DescriptionListItem label="Starts">
          {draft.startDate === ''
            ? 'At launch'
            : `${draft.startDate} ${draft.startTime} ${draft.defaultTimeZone || 'UTC'}`}
        </DescriptionListItem>
        <DescriptionListItem label="Caps">
          {draft.maxAttempts} attempts per contact, {draft.concurrencyCap} at once, {draft.dailyCap} a day
        </DescriptionListItem>
        <DescriptionListItem label="Skips">
          {draft.consent.required ? `contacts without ${draft.consent.property}, ` : ''}contacts with{' '}
          {draft.doNotCallProperty} set
        </DescriptionListItem>
      </DescriptionList>
      {unplaced.map(([field, message]) => (
        <Alert key={field} title="The service refused the campaign" variant="error">
          {message}
        </Alert>
      ))}
      {campaignId === null ? (
        <>
          {/* A 400 naming a field is shown on that field (or above, as unplaced); anything else here. */}
          {create.status === 'error' && !(create.error.status === 400 && create.error.field !== undefined) ? (
            <ApiErrorAlert error={create.error} />
          ) : null}
          <Text variant="microcopy">
            Creating the campaign imports the list and checks every contact. Nobody is called until you
            launch.
          </Text>
          <Button variant="primary" disabled={create.status === 'loading'} onClick={onCreate}>
            {create.status === 'loading' ? 'Creating…' : 'Create and check the list'}
          </Button>
        </>
      ) : (
        <ImportPreviewView campaignId={campaignId} api={api}>
          {(preview) => <LaunchButton preview={preview} launch={launch} onLaunch={onLaunch} />}
        </ImportPreviewView>
      )}
    </Flex>
  );
}

function ImportPreviewView({
  campaignId,
  api,
  children,
}: {
  campaignId: string;
  api: { importPreview: (id: string) => Promise<ImportPreview> };
  children: (preview: ImportPreview) => ReactNode;
}) {
  const { state, reload } = useRemote(() => api.importPreview(campaignId), campaignId, {
    pollMs: IMPORT_POLL_MS,
    poll: (p) => !p.complete,
  });
  return (
    <RemoteView state={state} label="Reading the import" onRetry={reload}>
      {(preview) => (
        <Flex direction="column" gap="sm">
          <Heading>Import preview</Heading>
          {preview.complete ? null : (
            <ProgressBar
              title="Importing the list"
              value={preview.import.done}
              maxValue={Math.max(preview.import.total ?? preview.import.done, 1)}
              showPercentage
            />
          )}
          {preview.import.error ? (
            <Alert title="The import stopped" variant="error">
              {preview.import.error}
            </Alert>
          ) : null}
          <DescriptionList direction="row">
            <DescriptionListItem label="Eligible">{String(preview.eligible)}</DescriptionListItem>
            <DescriptionListItem label="No phone">{String(preview.skipped.noPhone)}</DescriptionListItem>
            <DescriptionListItem label="Invalid phone">
              {String(preview.skipped.invalidPhone)}
            </DescriptionListItem>
            <DescriptionListItem label="Duplicate">{String(preview.skipped.duplicate)}</DescriptionListItem>
            <DescriptionListItem label="Do not call">{String(preview.skipped.doNotCall)}</DescriptionListItem>
            <DescriptionListItem label="No consent">{String(preview.skipped.noConsent)}</DescriptionListItem>
            <DescriptionListItem label="No time zone">
              {String(preview.skipped.noTimeZone)}
            </DescriptionListItem>
          </DescriptionList>
          {children(preview)}
        </Flex>
      )}
    </RemoteView>
  );
}

function LaunchButton({
  preview,
  launch,
  onLaunch,
}: {
  preview: ImportPreview;
  launch: ActionState<unknown>;
  onLaunch: () => void;
}) {
  const ready = preview.complete && preview.eligible > 0 && preview.import.error === null;
  return (
    <Flex direction="column" gap="xs">
      {launch.status === 'error' ? <ApiErrorAlert error={launch.error} /> : null}
      {preview.complete && preview.eligible === 0 ? (
        <Text>No contact of this list can be called: nothing to launch.</Text>
      ) : null}
      <Button variant="primary" disabled={!ready || launch.status === 'loading'} onClick={onLaunch}>
        {launch.status === 'loading' ? 'Launching…' : `Launch: call ${preview.eligible} contacts`}
      </Button>
    </Flex>
  );
}
