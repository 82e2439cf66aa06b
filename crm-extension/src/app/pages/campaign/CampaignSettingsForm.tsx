import {
  Alert,
  Button,
  Checkbox,
  Flex,
  Heading,
  Input,
  MultiSelect,
  NumberInput,
  Text,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { ApiCallError } from '../../lib/api-client.js';
import { useApi } from '../../lib/api-context.js';
import { ApiErrorAlert } from '../../lib/RemoteView.js';
import { asApiError } from '../../lib/remote-state.js';
import {
  type CampaignView,
  DEFAULT_RETRY_POLICY,
  type EditCampaignRequest,
  OUTCOME_LABELS,
  RETRYABLE_OUTCOMES,
  type RetryableOutcome,
  type RetryPolicy,
  type RetryRule,
} from '../../lib/shared.js';
import { editCampaign } from '../campaigns-api.js';

const DAY_OPTIONS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map(
  (label, i) => ({ label, value: i + 1 }),
);

/** The settings a running campaign may change (window, caps, retry policy), as the form holds them. */
interface SettingsDraft {
  days: number[];
  start: string;
  end: string;
  maxAttempts: number;
  concurrencyCap: number;
  dailyCap: number;
  retries: Record<RetryableOutcome, RetryRule & { enabled: boolean }>;
}

function draftOf(campaign: CampaignView): SettingsDraft {
  const retries = Object.fromEntries(
    RETRYABLE_OUTCOMES.map((outcome) => {
      const rule = campaign.retryPolicy[outcome];
      return [outcome, { ...(rule ?? DEFAULT_RETRY_POLICY[outcome]), enabled: rule !== undefined }];
    }),
  ) as SettingsDraft['retries'];
  return {
    days: [...campaign.window.days],
    start: campaign.window.start,
    end: campaign.window.end,
    maxAttempts: campaign.maxAttempts,
    concurrencyCap: campaign.concurrencyCap,
    dailyCap: campaign.dailyCap,
    retries,
  };
}

/** The PATCH body: the whole window (blackout dates kept), the caps and the retry policy. */
function editOf(campaign: CampaignView, draft: SettingsDraft): EditCampaignRequest {
  const retryPolicy: RetryPolicy = {};
  for (const outcome of RETRYABLE_OUTCOMES) {
    const { enabled, delayMinutes, maxAttempts } = draft.retries[outcome];
    if (enabled) retryPolicy[outcome] = { delayMinutes, maxAttempts };
  }
  return {
    window: {
      days: [...draft.days].sort((a, b) => a - b),
      start: draft.start.trim(),
      end: draft.end.trim(),
      blackoutDates: campaign.window.blackoutDates,
    },
    maxAttempts: draft.maxAttempts,
    concurrencyCap: draft.concurrencyCap,
    dailyCap: draft.dailyCap,
    retryPolicy,
  };
}

/**
 * Edits the calling window, caps and retry policy; they take effect on the next dispatch. The API checks every
 * value: its message is shown in an alert, and on the field it names.
 */
export function CampaignSettingsForm({
  campaign,
  onSaved,
}: {
  campaign: CampaignView;
  onSaved: (campaign: CampaignView) => void;
}) {
  const api = useApi();
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(campaign));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);
  const [saved, setSaved] = useState(false);

  const change = (patch: Partial<SettingsDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const changeRetry = (outcome: RetryableOutcome, patch: Partial<RetryRule & { enabled: boolean }>) =>
    change({ retries: { ...draft.retries, [outcome]: { ...draft.retries[outcome], ...patch } } });
  const fieldError = (field: string) =>
    error?.field?.startsWith(field) ? { error: true, validationMessage: error.message } : {};

  const save = async () => {
    setPending(true);
    setError(null);
    try {
      const updated = await editCampaign(api, campaign.id, editOf(campaign, draft));
      setSaved(true);
      onSaved(updated);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <Flex direction="column" gap="small">
      <Heading>Calling window</Heading>
      <Text variant="microcopy">In each contact's local time; calls never happen outside 08:00–21:00.</Text>
      <MultiSelect
        label="Days"
        name="window.days"
        options={DAY_OPTIONS}
        value={draft.days}
        onChange={(value) => change({ days: value.filter((v): v is number => typeof v === 'number') })}
        {...fieldError('window.days')}
      />
      <Flex direction="row" gap="small">
        <Input
          label="From (HH:MM)"
          name="window.start"
          value={draft.start}
          onChange={(start) => change({ start })}
          {...fieldError('window.start')}
        />
        <Input
          label="Until (HH:MM)"
          name="window.end"
          value={draft.end}
          onChange={(end) => change({ end })}
          {...fieldError('window.end')}
        />
      </Flex>
      <Heading>Caps</Heading>
      <Flex direction="row" gap="small">
        <NumberInput
          label="Calls at once"
          name="concurrencyCap"
          min={1}
          max={500}
          value={draft.concurrencyCap}
          onChange={(concurrencyCap) => change({ concurrencyCap })}
          {...fieldError('concurrencyCap')}
        />
        <NumberInput
          label="Dials per day"
          name="dailyCap"
          min={1}
          value={draft.dailyCap}
          onChange={(dailyCap) => change({ dailyCap })}
          {...fieldError('dailyCap')}
        />
        <NumberInput
          label="Attempts per contact"
          name="maxAttempts"
          min={1}
          max={10}
          value={draft.maxAttempts}
          onChange={(maxAttempts) => change({ maxAttempts })}
          {...fieldError('maxAttempts')}
        />
      </Flex>
      <Heading>Retry policy</Heading>
      {RETRYABLE_OUTCOMES.map((outcome) => (
        <Flex key={outcome} direction="row" gap="small" align="end">
          <Checkbox
            name={`retry.${outcome}`}
            checked={draft.retries[outcome].enabled}
            onChange={(enabled) => changeRetry(outcome, { enabled })}
          >
            {`Retry after “${OUTCOME_LABELS[outcome]}”`}
          </Checkbox>
          <NumberInput
            label="Wait (minutes)"
            name={`retryPolicy.${outcome}.delayMinutes`}
            min={0}
            readOnly={!draft.retries[outcome].enabled}
            value={draft.retries[outcome].delayMinutes}
            onChange={(delayMinutes) => changeRetry(outcome, { delayMinutes })}
            {...fieldError(`retryPolicy.${outcome}`)}
          />
          <NumberInput
            label="Up to attempts"
            name={`retryPolicy.${outcome}.maxAttempts`}
            min={1}
            max={10}
            readOnly={!draft.retries[outcome].enabled}
            value={draft.retries[outcome].maxAttempts}
            onChange={(maxAttempts) => changeRetry(outcome, { maxAttempts })}
          />
        </Flex>
      ))}
      {error ? <ApiErrorAlert error={error} /> : null}
      {saved ? (
        <Alert title="Saved" variant="success">
          The new settings apply from the next call.
        </Alert>
      ) : null}
      <Button variant="primary" disabled={pending} onClick={() => void save()}>
        {pending ? 'Saving…' : 'Save settings'}
      </Button>
    </Flex>
  );
}
