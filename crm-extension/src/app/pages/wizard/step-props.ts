import type { FieldErrors, WizardDraft } from './draft.js';
import type { WizardApi } from './wizard-api.js';

/** What every editing step gets: the draft, a patcher, the errors to show, and the wizard's API calls. */
export interface StepProps {
  readonly draft: WizardDraft;
  readonly update: (patch: Partial<WizardDraft>) => void;
  readonly errors: FieldErrors;
  readonly api: WizardApi;
}
