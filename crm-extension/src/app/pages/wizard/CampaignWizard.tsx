import { Alert, Button, Flex, StepIndicator } from '@hubspot/ui-extensions';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiCallError } from '../../lib/api-client.js';
import { useApi } from '../../lib/api-context.js';
import { RemoteView } from '../../lib/RemoteView.js';
import { useRemote } from '../../lib/remote-state.js';
import { AudienceStep } from './AudienceStep.js';
import { useAction } from './action-state.js';
import {
  draftFromDefaults,
  type FieldErrors,
  INITIAL_DRAFT,
  newIdempotencyKey,
  REVIEW_STEP,
  STEPS,
  type StepIndex,
  stepErrors,
  stepOfField,
  toCreateRequest,
  unplacedErrors,
  validateDraft,
  type WizardDraft,
} from './draft.js';
import { MessageStep } from './MessageStep.js';
import { RetriesStep } from './RetriesStep.js';
import { ReviewStep } from './ReviewStep.js';
import { WhenStep } from './WhenStep.js';
import { wizardApi } from './wizard-api.js';

/** The campaign wizard (list, agent, number, message, window, retries, caps, import preview, launch). */
export interface CampaignWizardProps {
  /** Called with the new campaign's id once it is launched (or saved), to open its page. */
  readonly onDone: (campaignId: string) => void;
  readonly onCancel: () => void;
}

/**
 * Five steps over one draft. Each step is checked with the shared create schema before moving on (its errors
 * shown on its inputs, live once the fundraiser has tried to go on); the service's 400 on create goes back to the
 * step owning the field it names. Once created the campaign exists (importing), so the settings are locked: it is
 * launched from here, or later from its page.
 */
export function CampaignWizard({ onDone, onCancel }: CampaignWizardProps) {
  const client = useApi();
  const api = useMemo(() => wizardApi(client), [client]);
  // One key per wizard session: a create retried (by HubSpot's proxy, or a second click) is the same create.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [draft, setDraft] = useState<WizardDraft>(INITIAL_DRAFT);
  const [step, setStep] = useState<StepIndex>(0);
  const [tried, setTried] = useState<ReadonlySet<StepIndex>>(new Set());
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [campaignId, setCampaignId] = useState<string | null>(null);
  const agents = useRemote(() => api.agents(), 'agents');
  // The portal's saved defaults fill the draft once, unless the fundraiser has already changed something; without
  // them (not saved, or not readable) the built-in starting values stay.
  const touched = useRef(false);
  useEffect(() => {
    let live = true;
    api.defaults().then(
      (defaults) => {
        if (live && !touched.current) setDraft((d) => draftFromDefaults(defaults, d));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  const agentList = agents.state.status === 'ready' ? agents.state.data.items : [];
  const agent = agentList.find((a) => a.agentId === draft.agentId);
  const allowsOverride = agent?.allowsFirstMessageOverride ?? false;
  const clientErrors = validateDraft(draft, allowsOverride);
  const errors: FieldErrors = {
    ...(tried.has(step) ? stepErrors(clientErrors, step) : {}),
    ...stepErrors(serverErrors, step),
  };

  const update = (patch: Partial<WizardDraft>) => {
    touched.current = true;
    setDraft((d) => ({ ...d, ...patch }));
    // The service's verdict was on the old values: once the step changes, its own check takes over.
    setServerErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => stepOfField(f) !== step)));
  };

  const next = () => {
    setTried((t) => new Set(t).add(step));
    if (Object.keys(stepErrors(clientErrors, step)).length > 0) return;
    setStep((s) => Math.min(s + 1, REVIEW_STEP) as StepIndex);
  };

  const create = useAction(async () => {
    // Every step again: a step may have been skipped through the indicator, or the agent changed since.
    const invalid = Object.keys(clientErrors);
    const first = invalid[0];
    if (first !== undefined) {
      setTried(new Set([0, 1, 2, 3]));
      setStep(stepOfField(first));
      return null;
    }
    try {
      const created = await api.createCampaign(toCreateRequest(draft, idempotencyKey, allowsOverride));
      setCampaignId(created.id);
      return created;
    } catch (error) {
      // A 400 naming a field goes back to the step that owns it, on that field; others stay on the review.
      if (error instanceof ApiCallError && error.status === 400 && error.field !== undefined) {
        setServerErrors({ [error.field]: error.message });
        setStep(stepOfField(error.field));
      }
      throw error;
    }
  });

  const launch = useAction(async (id: string) => {
    const started = await api.start(id);
    onDone(started.id);
    return started;
  });

  const stepProps = { draft, update, errors, api };
  const unplaced = unplacedErrors(errors, step);
  const created = campaignId !== null;

  return (
    <RemoteView state={agents.state} label="Loading agents" onRetry={agents.reload}>
      {() => (
        <Flex direction="column" gap="md">
          <StepIndicator
            stepNames={[...STEPS]}
            currentStep={step}
            onClick={(index) => {
              // Back to any earlier step while nothing is created; forward only through "Next" (its checks).
              if (!created && index < step) setStep(index as StepIndex);
            }}
          />
          {step !== REVIEW_STEP && unplaced.length > 0
            ? unplaced.map(([field, message]) => (
                <Alert key={field} title="Please check this step" variant="error">
                  {message}
                </Alert>
              ))
            : null}
          {step === 0 ? <AudienceStep {...stepProps} agents={agentList} /> : null}
          {step === 1 ? <MessageStep {...stepProps} agent={agent} /> : null}
          {step === 2 ? <WhenStep {...stepProps} /> : null}
          {step === 3 ? <RetriesStep {...stepProps} /> : null}
          {step === REVIEW_STEP ? (
            <ReviewStep
              draft={draft}
              agent={agent}
              campaignId={campaignId}
              create={create.state}
              launch={launch.state}
              unplaced={unplaced}
              onCreate={() => void create.run()}
              onLaunch={() => campaignId !== null && void launch.run(campaignId)}
              api={api}
            />
          ) : null}
          <Flex direction="row" gap="sm">
            {step > 0 && !created ? (
              <Button variant="secondary" onClick={() => setStep((step - 1) as StepIndex)}>
                Back
              </Button>
            ) : null}
            {step < REVIEW_STEP ? (
              <Button variant="primary" onClick={next}>
                Next
              </Button>
            ) : null}
            {created ? (
              <Button variant="secondary" onClick={() => onDone(campaignId)}>
                Open the campaign without launching
              </Button>
            ) : (
              <Button variant="transparent" onClick={onCancel}>
                Cancel
              </Button>
            )}
          </Flex>
        </Flex>
      )}
    </RemoteView>
  );
}
