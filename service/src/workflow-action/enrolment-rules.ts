import type { CampaignStatus, NotCalledReason } from '@fundraising/shared';

/**
 * Which campaigns take a workflow's enrolments, decided on the campaign's status. Pure.
 *
 * - active: the contact is queued at its next allowed instant and dialled like any other contact;
 * - paused: the same, and it waits until the campaign is resumed;
 * - ready, importing, draft: it waits with the list's contacts until the campaign is launched;
 * - cancelled, completed, or no such campaign in this portal (another portal's id is no such campaign): nothing
 *   will ever call it, so the enrolment completes at once as not_called, saying why.
 */
export function campaignRefusal(status: CampaignStatus | null): NotCalledReason | null {
  switch (status) {
    case null:
      return 'campaign_not_found';
    case 'cancelled':
      return 'campaign_cancelled';
    case 'completed':
      return 'campaign_completed';
    case 'draft':
    case 'importing':
    case 'ready':
    case 'active':
    case 'paused':
      return null;
  }
}

/** The workflow's dynamic variables win over the ones the campaign takes from the contact's properties. */
export function mergeVariables(
  fromContact: Readonly<Record<string, string>>,
  fromWorkflow: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...fromContact, ...fromWorkflow };
}
