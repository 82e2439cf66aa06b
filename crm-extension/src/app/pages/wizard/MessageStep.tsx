import { Alert, Button, Flex, Heading, Input, Link, Text, TextArea } from '@hubspot/ui-extensions';
import { useState } from 'react';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import { type AgentView, VOICE_PREVIEW_MAX_CHARS } from '../../lib/shared.js';
import { useAction } from './action-state.js';
import { errorProps } from './draft.js';
import { mappedProperties, renderMessage, variablesIn } from './render-message.js';
import type { StepProps } from './step-props.js';

/** The message template the call opens with: the campaign's own when the agent allows it, else the agent's. */
export function messageTemplate(firstMessage: string, agent: AgentView | undefined): string {
  const own = firstMessage.trim();
  return agent?.allowsFirstMessageOverride && own !== '' ? own : (agent?.firstMessage ?? '');
}

/**
 * Step 2: the opening line (when the agent lets a campaign set it), which contact property fills each
 * {{variable}}, and the line rendered for a real contact of the chosen list.
 */
export function MessageStep({
  draft,
  update,
  errors,
  api,
  agent,
}: StepProps & { agent: AgentView | undefined }) {
  const template = messageTemplate(draft.firstMessage, agent);
  const variables = [...new Set([...variablesIn(template), ...Object.keys(draft.variableProperties)])];
  const setProperty = (variable: string, property: string) =>
    update({ variableProperties: { ...draft.variableProperties, [variable]: property } });
  return (
    <Flex direction="column" gap="md">
      {agent?.allowsFirstMessageOverride ? (
        <TextArea
          label="First message"
          name="firstMessage"
          description="What the agent says first. Use {{variable}} for contact details. Leave empty to keep the agent's own."
          placeholder={agent.firstMessage ?? ''}
          rows={4}
          maxLength={2000}
          value={draft.firstMessage}
          onChange={(firstMessage) => update({ firstMessage })}
          {...errorProps(errors, 'firstMessage')}
        />
      ) : (
        <Flex direction="column" gap="xs">
          <Text format={{ fontWeight: 'bold' }}>First message</Text>
          <Text>{agent?.firstMessage ?? 'The agent waits for the donor to speak first.'}</Text>
          <Text variant="microcopy">
            This agent does not allow campaigns to change its first message (ElevenLabs security settings).
          </Text>
        </Flex>
      )}
      <Heading>Dynamic variables</Heading>
      <Text variant="microcopy">
        Each variable is filled from a HubSpot contact property when the call starts.
      </Text>
      {variables.map((variable) => (
        <Input
          key={variable}
          label={`{{${variable}}}`}
          name={`variableProperties.${variable}`}
          description="HubSpot contact property (internal name)"
          value={draft.variableProperties[variable] ?? ''}
          onChange={(property) => setProperty(variable, property.trim())}
          {...errorProps(errors, `variableProperties.${variable}`)}
        />
      ))}
      <AddVariable onAdd={(variable) => setProperty(variable, '')} />
      {errorProps(errors, 'variableProperties').error && variables.length === 0 ? (
        <Alert title="Variables" variant="error">
          {errorProps(errors, 'variableProperties').validationMessage}
        </Alert>
      ) : null}
      <Heading>Preview</Heading>
      {draft.listId === '' ? (
        <Text>Choose a list to preview the message for one of its contacts.</Text>
      ) : template === '' ? (
        <Text>The agent has no first message: the donor speaks first.</Text>
      ) : (
        <SamplePreview
          template={template}
          listId={draft.listId}
          mapping={draft.variableProperties}
          voiceId={agent?.voice?.voiceId ?? null}
          api={api}
        />
      )}
    </Flex>
  );
}

/** The rendered line in the agent's voice (the preview takes at most VOICE_PREVIEW_MAX_CHARS). */
function HearLine({ voiceId, line, api }: { voiceId: string; line: string; api: StepProps['api'] }) {
  const hear = useAction(() => api.voicePreview(voiceId, line.slice(0, VOICE_PREVIEW_MAX_CHARS)));
  return (
    <Flex direction="row" gap="sm" align="center">
      <Button
        size="sm"
        variant="secondary"
        disabled={hear.state.status === 'loading'}
        onClick={() => void hear.run()}
      >
        Hear this line
      </Button>
      {hear.state.status === 'idle' ? null : (
        <RemoteView state={hear.state} label="Rendering the line">
          {({ url }) => <Link href={{ url, external: true }}>Listen</Link>}
        </RemoteView>
      )}
    </Flex>
  );
}

function AddVariable({ onAdd }: { onAdd: (variable: string) => void }) {
  const [name, setName] = useState('');
  return (
    <Flex direction="row" gap="sm" align="end">
      <Input
        label="Another variable"
        name="newVariable"
        description="A dynamic variable of the agent's prompt, e.g. campaign_goal"
        value={name}
        onChange={setName}
      />
      <Button
        size="sm"
        variant="secondary"
        disabled={name.trim() === ''}
        onClick={() => {
          onAdd(name.trim());
          setName('');
        }}
      >
        Add
      </Button>
    </Flex>
  );
}

/** The message rendered for the list's first contact, read from HubSpot with the mapped properties. */
function SamplePreview({
  template,
  listId,
  mapping,
  voiceId,
  api,
}: {
  template: string;
  listId: string;
  mapping: Readonly<Record<string, string>>;
  /** The agent's voice, to hear the rendered line; null when it has none. */
  voiceId: string | null;
  api: StepProps['api'];
}) {
  const properties = mappedProperties(mapping);
  const { state, reload } = useRemote(
    () => api.sampleContact(listId, properties),
    `${listId}|${properties.join(',')}`,
  );
  return (
    <RemoteView state={state} label="Loading a contact of the list" onRetry={reload}>
      {(sample) => {
        const line = renderMessage(template, mapping, sample.properties);
        return (
          <Flex direction="column" gap="xs">
            <Text variant="microcopy">For contact {sample.contactId} of the list:</Text>
            <Text format={{ italic: true }}>{line}</Text>
            {line.includes('{{') ? (
              <Text variant="microcopy">
                Variables still in braces have no value for this contact (or no property mapped).
              </Text>
            ) : null}
            {voiceId === null ? null : <HearLine voiceId={voiceId} line={line} api={api} />}
          </Flex>
        );
      }}
    </RemoteView>
  );
}
