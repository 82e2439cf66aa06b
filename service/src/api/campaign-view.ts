import type { CampaignView } from '@fundraising/shared';
import type { Campaign } from '../campaigns/index.js';

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** A campaign as the API answers it (shared campaignViewSchema). */
export function toCampaignView(c: Campaign): CampaignView {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusReason: c.statusReason,
    listId: c.listId,
    agentId: c.agentId,
    phoneNumberId: c.phoneNumberId,
    window: {
      days: c.window.days,
      // 24:00 (1440) is how an end at midnight is stored; the API's HH:MM stops at 23:59.
      start: hhmm(c.window.startMinute),
      end: hhmm(Math.min(c.window.endMinute, 1439)),
      blackoutDates: c.window.blackoutDates,
    },
    defaultTimeZone: c.defaultTimeZone,
    retryPolicy: c.retryPolicy,
    maxAttempts: c.maxAttempts,
    concurrencyCap: c.concurrencyCap,
    dailyCap: c.dailyCap,
    dialsPerSecond: c.dialsPerSecond,
    startsAt: c.startsAt.toISOString(),
    firstMessage: c.firstMessage,
    openForEnrolments: c.openForEnrolments,
    variableProperties: c.variableProperties,
    consent: { required: c.requireConsent, property: c.consentProperty },
    doNotCallProperty: c.dncProperty,
    import: { total: c.importTotal, done: c.importDone, error: c.importError },
    createdAt: c.createdAt.toISOString(),
    createdByUserId: c.createdByUserId,
  };
}
