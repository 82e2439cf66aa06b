import type { CallNowRule, LocalTime } from '../lib/shared.js';

/** How the contact tab words times, durations and rules. */

/** An instant as a wall clock in `timeZone` shows it, e.g. "Tue, Dec 1, 09:00". */
export function wallTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(date);
  } catch {
    return iso;
  }
}

/** An instant in each of the contact's zones: "Tue, Dec 1, 09:00 (America/New_York)". */
export function inZones(iso: string, zones: readonly string[]): string {
  return zones.map((zone) => `${wallTime(iso, zone)} (${zone})`).join(' / ');
}

/** The service's own wall time: "2026-12-01 09:00 America/New_York (UTC-05:00)". */
export function localTimeText(local: LocalTime): string {
  return `${local.dateTime.replace('T', ' ')} ${local.timeZone} (UTC${local.utcOffset})`;
}

/** What each call-now rule means to a fundraiser. */
export const RULE_LABELS: Record<CallNowRule, string> = {
  campaign_not_active: 'Campaign not active',
  contact_deleted: 'Contact deleted',
  no_phone: 'No phone number',
  do_not_call: 'Do not call',
  no_consent: 'No consent to AI calls',
  no_time_zone: 'Time zone unknown',
  duplicate_phone: 'Number shared with another contact',
  outside_window: 'Outside calling hours',
  in_call: 'Already in a call',
  frequency_cap: 'Called too recently',
  concurrency: 'Too many calls in progress',
  daily_cap: 'Daily call limit reached',
};
