import type { LocalTime } from '@fundraising/shared';
import { isValidTimeZone, MINUTE_MS, offsetAt } from '../core/zoned-time.js';

/**
 * An instant as a contact's clock shows it, in each of its candidate zones (the card shows "Wed 09:00 in
 * America/Chicago" rather than a UTC time the fundraiser has to convert). A zone Intl does not know is left out
 * rather than failing the whole view. Pure.
 */
export function localTimesOf(instantMs: number, zones: readonly string[]): LocalTime[] {
  return zones.filter(isValidTimeZone).map((timeZone) => {
    const offsetMs = offsetAt(instantMs, timeZone);
    return {
      timeZone,
      dateTime: new Date(instantMs + offsetMs).toISOString().slice(0, 16),
      utcOffset: formatOffset(offsetMs),
    };
  });
}

function formatOffset(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
