import type { CallNowRule, CampaignStatus, SkipReason } from '@fundraising/shared';
import { type CallingWindow, isCallAllowedAt, nextAllowedInstant } from '../../calling-window/index.js';
import { DAY_MS, localDayAndMinute, wallToUtc } from '../../core/zoned-time.js';

/**
 * Whether a person may call a contact now from a campaign ("Call now" on the contact's record): the rules the
 * dispatcher and the placement apply to every dial, in their order, and for the first that forbids it, when it
 * would allow it. Pure: the facts are gathered under the dispatcher's lock (call-contact-now.ts).
 */

export interface CallNowFacts {
  readonly nowMs: number;
  readonly campaign: {
    readonly status: CampaignStatus;
    readonly startsAtMs: number;
    readonly window: CallingWindow;
    /** The zone the daily cap's days are counted in (else UTC). */
    readonly defaultTimeZone: string | null;
    readonly concurrencyCap: number;
    readonly dailyCap: number;
    readonly inFlight: number;
    readonly dialledToday: number;
  };
  /** The contact as the campaign would import it now (from a fresh HubSpot read). */
  readonly contact: {
    readonly skipReason: SkipReason | null;
    readonly zones: readonly string[];
    readonly usState: string | null;
  };
  /** On the portal's do-not-call list. */
  readonly suppressed: boolean;
  /** Another contact of the campaign has the number (one callable row per number in a campaign). */
  readonly numberTakenInCampaign: boolean;
  /** The number is in a call already, from any campaign of the portal. */
  readonly inCall: boolean;
  readonly dialsLast24h: number;
  readonly oldestDialLast24hMs: number | null;
  readonly frequencyCapPer24h: number;
  readonly accountInFlight: number;
  readonly accountConcurrencyCap: number;
}

export type CallNowVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly rule: CallNowRule;
      readonly message: string;
      /** When the rule would allow it; null when waiting does not help, or the time cannot be known. */
      readonly nextAllowedAtMs: number | null;
    };

const refuse = (
  rule: CallNowRule,
  message: string,
  nextAllowedAtMs: number | null = null,
): CallNowVerdict => ({
  allowed: false,
  rule,
  message,
  nextAllowedAtMs,
});

const CONTACT_RULES: Readonly<Record<SkipReason, [CallNowRule, string]>> = {
  no_phone: ['no_phone', 'the contact has no phone number'],
  invalid_phone: ['no_phone', 'the contact has no valid phone number'],
  suppressed: ['do_not_call', 'the contact is marked do-not-call in HubSpot'],
  no_consent: ['no_consent', 'the contact has not consented to AI calls'],
  no_time_zone: ['no_time_zone', "the contact's time zone is unknown, so its calling hours are too"],
  duplicate_phone: ['duplicate_phone', 'another contact of this campaign has the same number'],
  contact_deleted: ['contact_deleted', 'the contact was deleted in HubSpot'],
};

/** The start of the next day in the zone the daily cap counts in. */
export function nextDayStart(nowMs: number, zone: string | null): number {
  const { dayNumber } = localDayAndMinute(nowMs, zone ?? 'UTC');
  return wallToUtc((dayNumber + 1) * DAY_MS, zone ?? 'UTC');
}

export function callNowVerdict(facts: CallNowFacts): CallNowVerdict {
  const { nowMs, campaign, contact } = facts;
  const who = { zones: [...contact.zones], usState: contact.usState };
  // The first allowed instant from `fromMs` in the contact's window (null when its window never opens).
  const allowedFrom = (fromMs: number) =>
    contact.zones.length === 0 ? null : nextAllowedInstant(fromMs, who, campaign.window);

  if (campaign.status !== 'active') {
    return refuse('campaign_not_active', `the campaign is ${campaign.status}; only an active campaign calls`);
  }
  if (campaign.startsAtMs > nowMs) {
    return refuse(
      'campaign_not_active',
      'the campaign has not started yet',
      allowedFrom(campaign.startsAtMs),
    );
  }
  if (contact.skipReason !== null) {
    const [rule, message] = CONTACT_RULES[contact.skipReason];
    return refuse(rule, message);
  }
  if (facts.suppressed) return refuse('do_not_call', "the number is on the account's do-not-call list");
  if (facts.numberTakenInCampaign) {
    const [rule, message] = CONTACT_RULES.duplicate_phone;
    return refuse(rule, message);
  }
  if (!isCallAllowedAt(nowMs, who, campaign.window)) {
    return refuse(
      'outside_window',
      "outside the campaign's calling hours in the contact's time",
      allowedFrom(nowMs),
    );
  }
  if (facts.inCall) return refuse('in_call', 'the number is in a call right now');
  if (facts.dialsLast24h >= facts.frequencyCapPer24h) {
    const freed = (facts.oldestDialLast24hMs ?? nowMs) + DAY_MS;
    return refuse(
      'frequency_cap',
      `the number was dialled ${facts.dialsLast24h} times in the last 24 hours (at most ${facts.frequencyCapPer24h})`,
      allowedFrom(freed) ?? freed,
    );
  }
  if (campaign.inFlight >= campaign.concurrencyCap) {
    return refuse(
      'concurrency',
      `the campaign has ${campaign.inFlight} calls in progress (at most ${campaign.concurrencyCap})`,
    );
  }
  if (facts.accountInFlight >= facts.accountConcurrencyCap) {
    return refuse(
      'concurrency',
      `the account has ${facts.accountInFlight} calls in progress (at most ${facts.accountConcurrencyCap})`,
    );
  }
  if (campaign.dialledToday >= campaign.dailyCap) {
    return refuse(
      'daily_cap',
      `the campaign made its ${campaign.dailyCap} calls for today`,
      allowedFrom(nextDayStart(nowMs, campaign.defaultTimeZone)),
    );
  }
  return { allowed: true };
}
