import { Checkbox, Flex, Heading, NumberInput, Text } from '@hubspot/ui-extensions';
import { OUTCOME_LABELS, RETRYABLE_OUTCOMES } from '../../lib/shared.js';
import { errorProps } from './draft.js';
import type { StepProps } from './step-props.js';

/** Step 4: when to call again after each outcome, and how much the campaign may dial. */
export function RetriesStep({ draft, update, errors }: StepProps) {
  return (
    <Flex direction="column" gap="md">
      <Heading>Retries by outcome</Heading>
      <Text variant="microcopy">
        A retry waits at least the delay, then the next calling window. Outcomes not retried end the contact.
      </Text>
      {RETRYABLE_OUTCOMES.map((outcome) => {
        const rule = draft.retryPolicy[outcome];
        const set = (patch: Partial<typeof rule>) =>
          update({ retryPolicy: { ...draft.retryPolicy, [outcome]: { ...rule, ...patch } } });
        const field = `retryPolicy.${outcome}`;
        return (
          <Flex key={outcome} direction="row" gap="md" align="end">
            <Checkbox
              name={`${field}.enabled`}
              checked={rule.enabled}
              onChange={(enabled) => set({ enabled })}
            >
              Retry after {OUTCOME_LABELS[outcome].toLowerCase()}
            </Checkbox>
            {rule.enabled ? (
              <>
                <NumberInput
                  label="Delay (minutes)"
                  name={`${field}.delayMinutes`}
                  min={0}
                  value={rule.delayMinutes}
                  onChange={(delayMinutes) => set({ delayMinutes })}
                  {...errorProps(errors, `${field}.delayMinutes`)}
                />
                <NumberInput
                  label="Up to attempts"
                  name={`${field}.maxAttempts`}
                  min={1}
                  max={10}
                  value={rule.maxAttempts}
                  onChange={(maxAttempts) => set({ maxAttempts })}
                  {...errorProps(errors, `${field}.maxAttempts`)}
                />
              </>
            ) : null}
          </Flex>
        );
      })}
      <Heading>Caps</Heading>
      <NumberInput
        label="Attempts per contact"
        name="maxAttempts"
        description="Never more calls to one contact than this, whatever the outcomes."
        min={1}
        max={10}
        value={draft.maxAttempts}
        onChange={(maxAttempts) => update({ maxAttempts })}
        {...errorProps(errors, 'maxAttempts')}
      />
      <NumberInput
        label="Calls at once"
        name="concurrencyCap"
        min={1}
        max={500}
        value={draft.concurrencyCap}
        onChange={(concurrencyCap) => update({ concurrencyCap })}
        {...errorProps(errors, 'concurrencyCap')}
      />
      <NumberInput
        label="Calls per day"
        name="dailyCap"
        min={1}
        value={draft.dailyCap}
        onChange={(dailyCap) => update({ dailyCap })}
        {...errorProps(errors, 'dailyCap')}
      />
    </Flex>
  );
}
