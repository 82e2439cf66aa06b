import { Text } from '@hubspot/ui-extensions';

/** The campaign wizard (list, agent, number, message, window, retries, caps, import preview, launch). */
export interface CampaignWizardProps {
  /** Called with the new campaign's id once it is launched (or saved), to open its page. */
  readonly onDone: (campaignId: string) => void;
  readonly onCancel: () => void;
}

export function CampaignWizard(_props: CampaignWizardProps) {
  return <Text>The campaign wizard is being built.</Text>;
}
