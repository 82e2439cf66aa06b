import type {
  AttemptView,
  CampaignStatsView,
  CampaignStatus,
  CampaignView,
} from '../../src/app/lib/shared.js';

/** Canned API answers for the campaign pages' component tests, shaped by the shared schemas. */

export const CAMPAIGN_ID = '11111111-2222-4333-8444-555555555555';

export function campaignView(overrides: Partial<CampaignView> = {}): CampaignView {
  return {
    id: CAMPAIGN_ID,
    name: 'Spring appeal',
    status: 'active',
    statusReason: null,
    listId: '42',
    agentId: 'agent_1',
    phoneNumberId: 'phnum_1',
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', blackoutDates: [] },
    defaultTimeZone: 'America/New_York',
    retryPolicy: { no_answer: { delayMinutes: 240, maxAttempts: 3 } },
    maxAttempts: 3,
    concurrencyCap: 5,
    dailyCap: 500,
    dialsPerSecond: 1,
    startsAt: '2026-03-01T14:00:00.000Z',
    firstMessage: null,
    openForEnrolments: false,
    variableProperties: { first_name: 'firstname' },
    consent: { required: true, property: 'ai_call_consent' },
    doNotCallProperty: 'fundraising_do_not_call',
    import: { total: 100, done: 100, error: null },
    createdAt: '2026-03-01T13:00:00.000Z',
    createdByUserId: 7001,
    ...overrides,
  };
}

export function statsView(
  overrides: Partial<CampaignStatsView> & { status?: CampaignStatus } = {},
): CampaignStatsView {
  return {
    campaignId: CAMPAIGN_ID,
    status: 'active',
    contacts: { total: 100, byState: { queued: 60, done: 40 } },
    skipped: {},
    outcomes: { pledged: 12, declined: 8, no_answer: 20 },
    pledges: { count: 12, sum: 1250 },
    dialsToday: 55,
    callsInFlight: 3,
    attempts: 70,
    cost: 1234.4,
    averageCallSeconds: 95,
    estimatedCompletionAt: '2026-03-02T18:00:00.000Z',
    ...overrides,
  };
}

export function attemptView(n: number, overrides: Partial<AttemptView> = {}): AttemptView {
  return {
    attemptId: `attempt-${n}`,
    contactId: String(1000 + n),
    firstName: `Donor ${n}`,
    phone: `+1555000${String(n).padStart(4, '0')}`,
    status: 'ended',
    outcome: 'pledged',
    outcomeReason: 'pledge amount collected',
    summary: `Call ${n} summary`,
    durationSecs: 120,
    pledge: { amount: 25, frequency: 'monthly' },
    callbackAt: null,
    conversationId: `conv_${n}`,
    conversationUrl: `https://elevenlabs.io/app/conversational-ai/history/conv_${n}`,
    dialledAt: '2026-03-01T15:00:00.000Z',
    endedAt: '2026-03-01T15:02:00.000Z',
    ...overrides,
  };
}

/** Every text under a rendered node, joined by spaces (a node's own `.text` is null once it has element children). */
export function allText(
  node: { text: string | null; childNodes?: readonly unknown[] } | null | undefined,
): string {
  if (!node) return '';
  const children = (node.childNodes ?? []) as { text: string | null; childNodes?: readonly unknown[] }[];
  if (children.length === 0) return node.text ?? '';
  return children.map(allText).join(' ');
}

/**
 * `node.trigger(prop, arg)` with a value for the handler: 0.17's typing of `trigger` asks for the handler's own type
 * as the argument, not the value the handler receives.
 */
export function fire(node: { trigger: unknown }, prop: string, value: unknown): void {
  (node.trigger as (prop: string, arg?: unknown) => void)(prop, value);
}
