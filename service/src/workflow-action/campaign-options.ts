import type { CampaignOptionsRequest, CampaignOptionsResponse, CampaignStatus } from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import * as q from './queries.js';

/**
 * The action's campaign dropdown (HubSpot's optionsUrl): the portal's campaigns a workflow may enrol into (active,
 * ready to launch, paused), newest first, filtered by what the user types, a page at a time. The cursor is the
 * offset of the next page, as text (HubSpot hands `after` back as it got it).
 */

export const OPTIONS_PAGE_SIZE = 50;

const STATUS_NOTE: Partial<Record<CampaignStatus, string>> = {
  ready: 'not launched yet: contacts wait for the launch',
  paused: 'paused: contacts wait until it resumes',
};

/** A LIKE pattern matching the text anywhere, with LIKE's own wildcards taken literally. */
export function containsPattern(text: string | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return null;
  return `%${trimmed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function offsetOf(after: string | undefined): number {
  return after !== undefined && /^\d{1,9}$/.test(after) ? Number(after) : 0;
}

export async function campaignOptions(
  db: Queryable,
  request: CampaignOptionsRequest,
): Promise<CampaignOptionsResponse> {
  const offset = offsetOf(request.fetchOptions?.after);
  const rows = await queryRows(db, q.ENROLLABLE_CAMPAIGNS, [
    request.origin.portalId,
    containsPattern(request.fetchOptions?.q),
    OPTIONS_PAGE_SIZE + 1,
    offset,
  ]);
  const page = rows.slice(0, OPTIONS_PAGE_SIZE);
  return {
    options: page.map((c) => {
      const note = STATUS_NOTE[c.status];
      return {
        label: note === undefined ? c.name : `${c.name} (${c.status})`,
        value: c.id,
        description: note ?? 'active',
      };
    }),
    ...(rows.length > OPTIONS_PAGE_SIZE ? { after: String(offset + OPTIONS_PAGE_SIZE) } : {}),
    searchable: true,
  };
}
