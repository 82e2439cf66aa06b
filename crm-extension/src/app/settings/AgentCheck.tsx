import {
  Alert,
  Flex,
  Heading,
  LoadingButton,
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
import { useState } from 'react';
import type { ApiCallError } from '../lib/api-client.js';
import { useApi } from '../lib/api-context.js';
import { ApiErrorAlert, RemoteView } from '../lib/RemoteView.js';
import { asApiError, useRemote } from '../lib/remote-state.js';
import {
  type AgentCheckResult,
  type AgentView,
  CLASSIFICATION_SIGNALS,
  type ClassificationConfig,
} from '../lib/shared.js';
import { checkAgent, loadAgents } from './settings-api.js';

/**
 * The ids the outcome classifier reads from the agent's post-call analysis, and "check my agent": which of them the
 * chosen ElevenLabs agent lacks. The agents load on their own, so the rest of the page shows while ElevenLabs is down.
 */
export function AgentCheck({ classification }: { classification: ClassificationConfig }) {
  const api = useApi();
  const { state, reload } = useRemote(() => loadAgents(api), 'agents');
  const signals = CLASSIFICATION_SIGNALS.flatMap((s) => {
    const id = classification[s.key];
    return id === null ? [] : [{ ...s, id }];
  });
  return (
    <Flex direction="column" gap="sm">
      <Heading>What the classifier reads from the agent</Heading>
      <Text variant="microcopy">
        Create these data-collection items on the ElevenLabs agent (Analysis → Data collection); voicemail and
        declined may be evaluation criteria instead. A campaign can name them differently.
      </Text>
      <RemoteView state={state} label="Loading agents" onRetry={reload}>
        {(agents) => <AgentCheckForm agents={agents} signals={signals} />}
      </RemoteView>
    </Flex>
  );
}

type Signal = (typeof CLASSIFICATION_SIGNALS)[number] & { id: string };

type CheckState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'checked'; result: AgentCheckResult }
  | { status: 'error'; error: ApiCallError };

function AgentCheckForm({ agents, signals }: { agents: readonly AgentView[]; signals: readonly Signal[] }) {
  const api = useApi();
  const [agentId, setAgentId] = useState(agents[0]?.agentId ?? '');
  const [check, setCheck] = useState<CheckState>({ status: 'idle' });
  const result = check.status === 'checked' ? check.result : null;

  const run = () => {
    if (agentId === '') return;
    setCheck({ status: 'checking' });
    checkAgent(
      api,
      agentId,
      signals.map((s) => s.id),
    ).then(
      (r) => setCheck({ status: 'checked', result: r }),
      (e: unknown) => setCheck({ status: 'error', error: asApiError(e) }),
    );
  };

  const foundIn = (id: string) => result?.ids.find((i) => i.id === id)?.foundIn;
  const labelOf = (id: string) => signals.find((s) => s.id === id)?.label ?? id;

  return (
    <Flex direction="column" gap="sm">
      <Table>
        <TableHead>
          <TableRow>
            <TableHeader>Signal</TableHeader>
            <TableHeader>Id</TableHeader>
            <TableHeader>Needed</TableHeader>
            {result ? <TableHeader>In {result.agentName}</TableHeader> : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {signals.map((s) => (
            <TableRow key={s.key}>
              <TableCell>{s.label}</TableCell>
              <TableCell>{s.id}</TableCell>
              <TableCell>{s.optional ? 'Optional' : 'Yes'}</TableCell>
              {result ? (
                <TableCell>
                  <FoundTag foundIn={foundIn(s.id)} />
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {agents.length === 0 ? (
        <Text>The ElevenLabs workspace has no agents yet.</Text>
      ) : (
        <Flex direction="row" gap="sm" align="end">
          <Select
            label="Agent"
            name="agentId"
            value={agentId}
            options={agents.map((a) => ({ label: a.name, value: a.agentId }))}
            onChange={(value) => {
              setAgentId(String(value));
              setCheck({ status: 'idle' });
            }}
          />
          <LoadingButton variant="secondary" loading={check.status === 'checking'} onClick={run}>
            Check my agent
          </LoadingButton>
        </Flex>
      )}
      {result ? (
        result.missing.length === 0 ? (
          <Alert title={`${result.agentName} has every id the classifier reads`} variant="success" />
        ) : (
          <Alert title={`${result.agentName} lacks ${result.missing.length} of them`} variant="warning">
            Missing: {result.missing.map((id) => `${id} (${labelOf(id)})`).join(', ')}. Add them to the
            agent's data collection, or the classifier cannot tell these outcomes.
          </Alert>
        )
      ) : null}
      {check.status === 'error' ? <ApiErrorAlert error={check.error} /> : null}
    </Flex>
  );
}

function FoundTag({ foundIn }: { foundIn: AgentCheckResult['ids'][number]['foundIn'] | undefined }) {
  if (foundIn === 'data_collection') return <StatusTag variant="success">Data collection</StatusTag>;
  if (foundIn === 'evaluation_criteria') return <StatusTag variant="success">Evaluation criterion</StatusTag>;
  return <StatusTag variant="danger">Missing</StatusTag>;
}
