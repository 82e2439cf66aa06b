import { Button, Flex, Input, Link, SearchInput, Select, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import { type AgentView, VOICE_PREVIEW_MAX_CHARS } from '../../lib/shared.js';
import { useAction } from './action-state.js';
import { errorProps } from './draft.js';
import type { StepProps } from './step-props.js';

/** Step 1: the campaign's name, who is called (a HubSpot list), by which agent, from which number. */
export function AudienceStep({
  draft,
  update,
  errors,
  api,
  agents,
}: StepProps & { agents: readonly AgentView[] }) {
  const agent = agents.find((a) => a.agentId === draft.agentId);
  return (
    <Flex direction="column" gap="md">
      <Input
        label="Campaign name"
        name="name"
        required
        value={draft.name}
        onChange={(name) => update({ name })}
        {...errorProps(errors, 'name')}
      />
      <ListPicker {...{ draft, update, errors, api }} />
      <Select
        label="Agent"
        name="agentId"
        required
        description="The ElevenLabs agent that speaks to donors."
        value={draft.agentId}
        options={agents.map((a) => ({ label: a.name, value: a.agentId }))}
        onChange={(value) => update({ agentId: String(value) })}
        {...errorProps(errors, 'agentId')}
      />
      {agent ? <VoicePreview agent={agent} api={api} /> : null}
      <NumberPicker {...{ draft, update, errors, api }} />
    </Flex>
  );
}

/** HubSpot contact lists, searched by name; the chosen one stays selectable whatever the search shows. */
function ListPicker({ draft, update, errors, api }: StepProps) {
  const [query, setQuery] = useState('');
  const { state, reload } = useRemote(() => api.searchLists(query), query);
  return (
    <Flex direction="column" gap="xs">
      <SearchInput
        label="Find a HubSpot list"
        name="listQuery"
        placeholder="List name"
        value={query}
        onChange={setQuery}
      />
      <RemoteView state={state} label="Loading lists" onRetry={reload}>
        {(page) => {
          const options = page.items.map((l) => ({
            label: l.size === null ? l.name : `${l.name} (${l.size.toLocaleString('en-US')} contacts)`,
            value: l.listId,
          }));
          if (draft.listId !== '' && !options.some((o) => o.value === draft.listId))
            options.unshift({ label: draft.listName || `List ${draft.listId}`, value: draft.listId });
          return (
            <Select
              label="Contact list"
              name="listId"
              required
              description={
                page.items.length === 0
                  ? 'No list matches this search.'
                  : 'Every member is imported and checked before launch.'
              }
              value={draft.listId}
              options={options}
              onChange={(value) => {
                const list = page.items.find((l) => l.listId === String(value));
                update({ listId: String(value), listName: list?.name ?? draft.listName });
              }}
              {...errorProps(errors, 'listId')}
            />
          );
        }}
      </RemoteView>
    </Flex>
  );
}

/** Caller numbers ElevenLabs can dial out from (the others cannot serve a campaign). */
function NumberPicker({ draft, update, errors, api }: StepProps) {
  const { state, reload } = useRemote(() => api.phoneNumbers(), 'numbers');
  return (
    <RemoteView state={state} label="Loading caller numbers" onRetry={reload}>
      {({ items }) => (
        <Select
          label="Caller number"
          name="phoneNumberId"
          required
          description="The number donors see. Numbers that cannot place outbound calls are not listed."
          value={draft.phoneNumberId}
          options={items
            .filter((n) => n.canDialOut)
            .map((n) => ({ label: `${n.phoneNumber} (${n.label})`, value: n.phoneNumberId }))}
          onChange={(value) => update({ phoneNumberId: String(value) })}
          {...errorProps(errors, 'phoneNumberId')}
        />
      )}
    </RemoteView>
  );
}

/** The agent's opening line without its {{variables}}: what the voice preview speaks. */
export function previewLine(agent: AgentView): string {
  const line = (agent.firstMessage ?? '').replace(/\{\{[^}]*\}\}/g, '').replace(/\s+([,.!?])/g, '$1');
  const text = line.replace(/\s+/g, ' ').trim();
  return (text === '' ? `Hello, this is ${agent.name}.` : text).slice(0, VOICE_PREVIEW_MAX_CHARS);
}

/** Renders the agent's voice saying its first line; the answer is a short-lived audio link opened in a new tab. */
function VoicePreview({ agent, api }: { agent: AgentView; api: StepProps['api'] }) {
  const voice = agent.voice;
  const preview = useAction((voiceId: string) => api.voicePreview(voiceId, previewLine(agent)));
  if (voice === null) return <Text variant="microcopy">This agent has no voice to preview.</Text>;
  return (
    <Flex direction="row" gap="sm" align="center">
      <Button
        size="sm"
        variant="secondary"
        disabled={preview.state.status === 'loading'}
        onClick={() => void preview.run(voice.voiceId)}
      >
        Preview the voice{voice.name ? ` (${voice.name})` : ''}
      </Button>
      {preview.state.status === 'idle' ? null : (
        <RemoteView state={preview.state} label="Rendering the voice">
          {({ url }) => <Link href={{ url, external: true }}>Listen</Link>}
        </RemoteView>
      )}
    </Flex>
  );
}
