import type { CallingWindow } from '../../src/calling-window/index.js';

/**
 * An independent reference for property tests. It reads the local wall clock straight from Intl's formatted
 * fields, weekday included (the implementation derives everything from the UTC offset and does its own calendar
 * arithmetic), and it has its own copy of the legal hours for the states the tests use.
 */

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

export interface WallClock {
  date: string;
  weekday: number;
  minuteOfDay: number;
}

export function wallClock(instantMs: number, zone: string): WallClock {
  let formatter = clockFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    clockFormatters.set(zone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instantMs)) parts[part.type] = part.value;
  const weekday = WEEKDAYS[parts.weekday ?? ''];
  if (weekday === undefined) throw new Error(`oracle: no weekday in ${JSON.stringify(parts)}`);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const h = (hour: number): number => hour * 60;

/** [start, end) local minutes the law allows on an ISO weekday, or null for none. */
export function oracleLegalHours(usState: string | null, weekday: number): [number, number] | null {
  switch (usState) {
    case 'FL':
    case 'MD':
    case 'OK':
    case 'WA':
      return [h(8), h(20)];
    case 'TX':
      return weekday === 7 ? [h(12), h(21)] : [h(9), h(21)];
    case 'RI':
      if (weekday === 7) return null;
      return weekday === 6 ? [h(10), h(17)] : [h(9), h(18)];
    case 'AL':
      return weekday === 7 ? null : [h(8), h(20)];
    case null:
    case 'CA':
    case 'NY':
      return [h(8), h(21)];
    default:
      throw new Error(`oracle: no legal hours for ${usState}`);
  }
}

export function oracleAllowedInZone(
  instantMs: number,
  zone: string,
  usState: string | null,
  window: CallingWindow,
): boolean {
  const clock = wallClock(instantMs, zone);
  if (!window.days.includes(clock.weekday) || window.blackoutDates.includes(clock.date)) return false;
  const legal = oracleLegalHours(usState, clock.weekday);
  if (legal === null) return false;
  const start = Math.max(window.startMinute, legal[0]);
  const end = Math.min(window.endMinute, legal[1]);
  return clock.minuteOfDay >= start && clock.minuteOfDay < end;
}

export function oracleAllows(
  instantMs: number,
  zones: readonly string[],
  usState: string | null,
  window: CallingWindow,
): boolean {
  return zones.length > 0 && zones.every((zone) => oracleAllowedInZone(instantMs, zone, usState, window));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset in minutes, read from Intl's "GMT+05:45" name rather than computed. */
export function oracleOffsetMinutes(instantMs: number, zone: string): number {
  let formatter = offsetFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(instantMs).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (m === null) throw new Error(`oracle: unexpected offset name ${name}`);
  if (m[1] === undefined) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Every instant in [fromMs, toMs) at which the zone's offset changes, to the minute. */
export function oracleTransitions(zone: string, fromMs: number, toMs: number): number[] {
  const step = 86_400_000;
  const found: number[] = [];
  let previous = oracleOffsetMinutes(fromMs, zone);
  for (let t = fromMs + step; t < toMs; t += step) {
    const offset = oracleOffsetMinutes(t, zone);
    if (offset === previous) continue;
    let low = t - step;
    let high = t;
    while (high - low > 60_000) {
      const mid = low + Math.floor((high - low) / 120_000) * 60_000;
      if (oracleOffsetMinutes(mid, zone) === previous) low = mid;
      else high = mid;
    }
    found.push(high);
    previous = offset;
  }
  return found;
}
