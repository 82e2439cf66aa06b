import {
  Alert,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  Input,
  LoadingButton,
  MultiSelect,
  NumberInput,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { ApiCallError } from '../lib/api-client.js';
import { useApi } from '../lib/api-context.js';
import { ApiErrorAlert, RemoteView } from '../lib/RemoteView.js';
import { asApiError, useRemote } from '../lib/remote-state.js';
import {
  type DiallingState,
  OUTCOME_LABELS,
  type PortalDefaults,
  RETRYABLE_OUTCOMES,
  type RetryRule,
  type SettingsView,
} from '../lib/shared.js';
import { AgentCheck } from './AgentCheck.js';
import { loadSettings, saveDefaults } from './settings-api.js';

/**
 * The app's settings page: whether the service, the HubSpot account and ElevenLabs are connected, the portal's
 * campaign defaults (edited and saved whole), and the ids the outcome classifier reads, with "check my agent".
 */
export function Settings() {
  const api = useApi();
  const { state, reload } = useRemote(() => loadSettings(api), 'settings');
  return (
    <RemoteView state={state} label="Loading settings" onRetry={reload}>
      {(settings) => (
        <Flex direction="column" gap="md">
          <Connections settings={settings} />
          <Divider />
          <DefaultsForm initial={settings.defaults} onSaved={reload} />
          <Text variant="microcopy">
            {settings.defaultsUpdatedAt
              ? `Last saved ${settings.defaultsUpdatedAt.slice(0, 16).replace('T', ' ')} UTC${
                  settings.defaultsUpdatedByUserId ? ` by user ${settings.defaultsUpdatedByUserId}` : ''
                }.`
              : 'Not saved yet: these are the built-in defaults.'}
          </Text>
          <Divider />
          <AgentCheck classification={settings.classification} />
        </Flex>
      )}
    </RemoteView>
  );
}

function Connections({ settings }: { settings: SettingsView }) {
  const { portal } = settings.service;
  return (
    <Flex direction="column" gap="sm">
      <Heading>Connections</Heading>
      <DescriptionList direction="row">
        <DescriptionListItem label="Fundraising service">
          <StatusTag variant="success">Connected</StatusTag>
        </DescriptionListItem>
        <DescriptionListItem label={`HubSpot account ${portal.portalId}`}>
          <StatusTag variant={portal.status === 'connected' ? 'success' : 'danger'}>
            {portal.status === 'connected' ? 'Connected' : portal.status}
            {portal.statusReason ? `: ${portal.statusReason}` : ''}
          </StatusTag>
        </DescriptionListItem>
        <DescriptionListItem label="Dialling">
          <StatusTag variant={settings.dialling.stopped ? 'danger' : 'success'}>
            {settings.dialling.stopped ? 'Stopped' : 'Running'}
          </StatusTag>
        </DescriptionListItem>
        <DescriptionListItem label="ElevenLabs">
          <StatusTag variant={settings.elevenlabs.reachable ? 'success' : 'danger'}>
            {settings.elevenlabs.reachable ? 'Reachable' : 'Unreachable'}
          </StatusTag>
        </DescriptionListItem>
      </DescriptionList>
      {settings.dialling.stopped ? <DiallingStopped dialling={settings.dialling} /> : null}
      {settings.elevenlabs.reachable ? null : (
        <Alert title="ElevenLabs cannot be reached" variant="warning">
          {settings.elevenlabs.message ?? 'No answer.'} Campaigns will not place calls until it answers.
        </Alert>
      )}
    </Flex>
  );
}

/** Ops stopped every campaign's dialling (the service-wide switch): say who, when and why, and who can undo it. */
function DiallingStopped({ dialling }: { dialling: DiallingState }) {
  const by = dialling.changedBy ? ` by ${dialling.changedBy}` : '';
  const when = dialling.changedAt ? ` on ${dialling.changedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  return (
    <Alert title="All dialling is stopped" variant="danger">
      {`Stopped${by}${when}.${dialling.reason ? ` Reason: ${dialling.reason}.` : ''} `}
      No campaign places new calls until the service's operators resume dialling; calls already under way
      finish.
    </Alert>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Campaign defaults

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map(
  (label, i) => ({
    label,
    value: i + 1,
  }),
);

/** A rule for an outcome newly switched on. */
const NEW_RULE: RetryRule = { delayMinutes: 60, maxAttempts: 3 };

type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved' }
  | { status: 'error'; error: ApiCallError };

function DefaultsForm({ initial, onSaved }: { initial: PortalDefaults; onSaved: () => void }) {
  const api = useApi();
  const [draft, setDraft] = useState<PortalDefaults>(initial);
  const [save, setSave] = useState<SaveState>({ status: 'idle' });

  const edit = (change: Partial<PortalDefaults>) => {
    setDraft((d) => ({ ...d, ...change }));
    if (save.status === 'saved') setSave({ status: 'idle' });
  };
  const editWindow = (change: Partial<PortalDefaults['window']>) =>
    edit({ window: { ...draft.window, ...change } });
  const editRule = (outcome: (typeof RETRYABLE_OUTCOMES)[number], rule: RetryRule | undefined) => {
    const retryPolicy = { ...draft.retryPolicy };
    if (rule) retryPolicy[outcome] = rule;
    else delete retryPolicy[outcome];
    edit({ retryPolicy });
  };

  /** The API's 400 names the field as `defaults.<path>`; each input is named by its path. */
  const fieldError = (name: string): { error?: boolean; validationMessage?: string } => {
    if (save.status !== 'error' || save.error.status !== 400 || !save.error.field) return {};
    const field = save.error.field.replace(/^defaults\./, '');
    return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`)
      ? { error: true, validationMessage: save.error.message }
      : {};
  };

  const submit = () => {
    setSave({ status: 'saving' });
    saveDefaults(api, draft).then(
      () => {
        setSave({ status: 'saved' });
        onSaved();
      },
      (e: unknown) => setSave({ status: 'error', error: asApiError(e) }),
    );
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Campaign defaults</Heading>
      <Text variant="microcopy">What a new campaign starts with; each campaign can change them.</Text>
      <Input
        label="Default time zone"
        name="timeZone"
        description="For contacts whose zone HubSpot and their number do not tell. Empty: such contacts are not called."
        placeholder="America/New_York"
        value={draft.timeZone ?? ''}
        onChange={(value) => edit({ timeZone: value.trim() === '' ? null : value.trim() })}
        {...fieldError('timeZone')}
      />
      <MultiSelect
        label="Calling days"
        name="window.days"
        value={draft.window.days}
        options={DAYS}
        onChange={(value) => editWindow({ days: value.map(Number).sort((a, b) => a - b) })}
        {...fieldError('window.days')}
      />
      <Flex direction="row" gap="sm">
        <Input
          label="Calls from (contact's time)"
          name="window.start"
          placeholder="09:00"
          value={draft.window.start}
          onChange={(start) => editWindow({ start })}
          {...fieldError('window.start')}
        />
        <Input
          label="Calls until"
          name="window.end"
          placeholder="20:00"
          value={draft.window.end}
          onChange={(end) => editWindow({ end })}
          {...fieldError('window.end')}
        />
      </Flex>
      <Input
        label="Days without calls"
        name="window.blackoutDates"
        description="Public holidays, as YYYY-MM-DD separated by commas."
        value={draft.window.blackoutDates.join(', ')}
        onChange={(value) =>
          editWindow({
            blackoutDates: value
              .split(',')
              .map((d) => d.trim())
              .filter((d) => d !== ''),
          })
        }
        {...fieldError('window.blackoutDates')}
      />
      <NumberInput
        label="Attempts per contact"
        name="maxAttempts"
        min={1}
        max={10}
        value={draft.maxAttempts}
        onChange={(maxAttempts) => edit({ maxAttempts })}
        {...fieldError('maxAttempts')}
      />
      <Text format={{ fontWeight: 'demibold' }}>Retries</Text>
      <Table>
        <TableHead>
          <TableRow>
            <TableHeader>Outcome</TableHeader>
            <TableHeader>Retry</TableHeader>
            <TableHeader>Wait (minutes)</TableHeader>
            <TableHeader>At most (attempts)</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {RETRYABLE_OUTCOMES.map((outcome) => {
            const rule = draft.retryPolicy[outcome];
            return (
              <TableRow key={outcome}>
                <TableCell>{OUTCOME_LABELS[outcome]}</TableCell>
                <TableCell>
                  <Toggle
                    label={`Retry ${OUTCOME_LABELS[outcome]}`}
                    labelDisplay="hidden"
                    name={`retryPolicy.${outcome}`}
                    checked={rule !== undefined}
                    onChange={(on) => editRule(outcome, on ? (rule ?? NEW_RULE) : undefined)}
                  />
                </TableCell>
                <TableCell>
                  {rule ? (
                    <NumberInput
                      label="Wait (minutes)"
                      name={`retryPolicy.${outcome}.delayMinutes`}
                      min={0}
                      value={rule.delayMinutes}
                      onChange={(delayMinutes) => editRule(outcome, { ...rule, delayMinutes })}
                      {...fieldError(`retryPolicy.${outcome}.delayMinutes`)}
                    />
                  ) : null}
                </TableCell>
                <TableCell>
                  {rule ? (
                    <NumberInput
                      label="At most (attempts)"
                      name={`retryPolicy.${outcome}.maxAttempts`}
                      min={1}
                      max={10}
                      value={rule.maxAttempts}
                      onChange={(maxAttempts) => editRule(outcome, { ...rule, maxAttempts })}
                      {...fieldError(`retryPolicy.${outcome}.maxAttempts`)}
                    />
                  ) : null}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Toggle
        label="Require consent to AI calls"
        name="consent.required"
        labelDisplay="inline"
        checked={draft.consent.required}
        onChange={(required) => edit({ consent: { ...draft.consent, required } })}
      />
      <Input
        label="Consent property"
        name="consent.property"
        description="The HubSpot contact property that records consent to AI calls."
        value={draft.consent.property}
        onChange={(property) => edit({ consent: { ...draft.consent, property } })}
        {...fieldError('consent.property')}
      />
      <Input
        label="Do-not-call property"
        name="doNotCallProperty"
        description="The HubSpot contact property that marks a contact not to be called."
        value={draft.doNotCallProperty}
        onChange={(doNotCallProperty) => edit({ doNotCallProperty })}
        {...fieldError('doNotCallProperty')}
      />
      {save.status === 'saved' ? <Alert title="Defaults saved" variant="success" /> : null}
      {save.status === 'error' ? <ApiErrorAlert error={save.error} /> : null}
      <LoadingButton variant="primary" loading={save.status === 'saving'} onClick={submit}>
        Save defaults
      </LoadingButton>
    </Flex>
  );
}
