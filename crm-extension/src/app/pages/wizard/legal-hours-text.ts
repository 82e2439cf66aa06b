/**
 * What the calling-hours step tells the fundraiser about the legal guard. The service enforces it
 * (service/src/calling-window/legal-hours.ts); HubSpot's build sees only this project, so the table is restated
 * here, and a test checks it against the service's own rules.
 */

export const FEDERAL_HOURS = { start: '08:00', end: '21:00' } as const;

/** US states with stricter hours than the federal 08:00–21:00, as the service applies them. */
export const STRICTER_STATE_HOURS: Readonly<Record<string, string>> = {
  AL: '08:00–20:00, no calls on Sundays',
  CT: '09:00–20:00',
  FL: '08:00–20:00',
  KY: '10:00–21:00',
  LA: '08:00–20:00, no calls on Sundays',
  MA: '08:00–20:00',
  MD: '08:00–20:00',
  MI: '09:00–21:00',
  MN: '09:00–21:00',
  MS: '08:00–20:00, no calls on Sundays',
  NM: '09:00–21:00',
  NV: '09:00–20:00',
  OK: '08:00–20:00',
  RI: '09:00–18:00, Saturdays 10:00–17:00, no calls on Sundays',
  TX: '09:00–21:00, Sundays from 12:00',
  WA: '08:00–20:00',
};

export const LEGAL_GUARD_TEXT =
  'Calls are placed only inside this window and, whatever the window says, only between 08:00 and 21:00 in ' +
  "each contact's local time (the federal rule). Where a contact's state is known and stricter, its hours apply: " +
  Object.entries(STRICTER_STATE_HOURS)
    .map(([state, hours]) => `${state} ${hours}`)
    .join('; ') +
  '. Public holidays are not skipped on their own: add them as blackout dates.';

/** A hint when the window reaches outside the federal hours: those minutes will never be used. */
export function legalHoursHint(start: string, end: string): string | null {
  if (start < FEDERAL_HOURS.start && end > FEDERAL_HOURS.end)
    return 'No calls before 08:00 or after 21:00 local time: the window is narrowed to those hours.';
  if (start < FEDERAL_HOURS.start) return 'No calls before 08:00 local time: calls start at 08:00.';
  if (end > FEDERAL_HOURS.end) return 'No calls after 21:00 local time: calls stop at 21:00.';
  return null;
}
