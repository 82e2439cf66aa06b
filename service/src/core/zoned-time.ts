/**
 * Wall-clock time in IANA zones, on top of Intl (full ICU). Everything is derived from one primitive, the zone's
 * UTC offset at an instant; the rest is plain UTC arithmetic, which is much cheaper than asking Intl again.
 *
 * Local days are handled as day numbers (days since 1970-01-01 in the proleptic Gregorian calendar) so that
 * iterating days and looking up blackout dates involves no strings.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** ISO weekday: 1 = Monday .. 7 = Sunday. */
  weekday: number;
  minuteOfDay: number;
  /** 'YYYY-MM-DD'. */
  dateKey: string;
}

// Intl.DateTimeFormat construction costs far more than formatting, and the same few zones recur for every contact.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_FORMATTERS = 5000;

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    // Bounded because zone strings come from data: case variants of one zone each get an entry.
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const FORMATTED = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The zone's offset from UTC at `instantMs`, in ms (local wall time = instant + offset). */
export function offsetAt(instantMs: number, zone: string): number {
  const text = formatterFor(zone).format(instantMs);
  const m = FORMATTED.exec(text);
  if (m === null) throw new Error(`unexpected Intl output for ${zone}: ${text}`);
  const wallMs = Date.UTC(
    Number(m[3]),
    Number(m[1]) - 1,
    Number(m[2]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  return wallMs - Math.floor(instantMs / 1000) * 1000;
}

/**
 * True for a zone name Intl accepts (IANA names and their legacy aliases, in any case). Offset strings such as
 * "+05:30", which Intl also accepts, are not zones and are rejected.
 */
export function isValidTimeZone(zone: string): boolean {
  if (!/^[A-Za-z]/.test(zone)) return false;
  if (formatters.has(zone)) return true;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** ISO weekday of a day number. 1970-01-01 (day 0) was a Thursday. */
export function weekdayOfDay(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

export function dateKeyOfDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of a 'YYYY-MM-DD' date, or null if it is malformed or not a real calendar date. */
export function dayOfDateKey(dateKey: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateKey);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return ms / DAY_MS;
}

/** Local wall time at an instant, as a day number and minute of that day. */
export function localDayAndMinute(
  instantMs: number,
  zone: string,
): { dayNumber: number; minuteOfDay: number } {
  const wallMs = instantMs + offsetAt(instantMs, zone);
  const dayNumber = Math.floor(wallMs / DAY_MS);
  return { dayNumber, minuteOfDay: Math.floor((wallMs - dayNumber * DAY_MS) / MINUTE_MS) };
}

export function localParts(instantMs: number, zone: string): LocalParts {
  const { dayNumber, minuteOfDay } = localDayAndMinute(instantMs, zone);
  const date = new Date(dayNumber * DAY_MS);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: weekdayOfDay(dayNumber),
    minuteOfDay,
    dateKey: dateKeyOfDay(dayNumber),
  };
}

/**
 * Every instant at which the zone's clock reads `wallMs` (a wall time expressed as if it were UTC), in order:
 * none in a DST gap, two in an overlap, one otherwise. `transitionMs` is set when the offset changes within a day
 * either side, which is when gaps, overlaps and clock jumps into a window can happen.
 *
 * Assumes at most one offset change within 24 h either side of the wall time, true of every zone in practice.
 */
export function resolveWallTime(wallMs: number, zone: string): { instants: number[]; transitionMs?: number } {
  const before = offsetAt(wallMs - DAY_MS, zone);
  const after = offsetAt(wallMs + DAY_MS, zone);
  if (before === after) {
    const candidate = wallMs - before;
    return { instants: offsetAt(candidate, zone) === before ? [candidate] : [] };
  }
  const instants: number[] = [];
  for (const offset of [before, after]) {
    const candidate = wallMs - offset;
    if (offsetAt(candidate, zone) === offset && !instants.includes(candidate)) instants.push(candidate);
  }
  instants.sort((a, b) => a - b);
  return { instants, transitionMs: findTransition(wallMs - DAY_MS, wallMs + DAY_MS, before, zone) };
}

/** The first instant in (lowMs, highMs] whose offset is no longer `offsetAtLow`, to the second. */
function findTransition(lowMs: number, highMs: number, offsetAtLow: number, zone: string): number {
  let low = Math.floor(lowMs / 1000);
  let high = Math.ceil(highMs / 1000);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid * 1000, zone) === offsetAtLow) low = mid;
    else high = mid;
  }
  return high * 1000;
}

/**
 * The instant of a local wall time. A wall time skipped by a DST gap maps to the first instant after the gap; one
 * that occurs twice (DST overlap) maps to the earlier instant.
 */
export function zonedToUtc(dateKey: string, minuteOfDay: number, zone: string): number {
  const dayNumber = dayOfDateKey(dateKey);
  if (dayNumber === null) throw new RangeError(`invalid date ${dateKey}`);
  return wallToUtc(dayNumber * DAY_MS + minuteOfDay * MINUTE_MS, zone);
}

export function wallToUtc(wallMs: number, zone: string): number {
  const { instants, transitionMs } = resolveWallTime(wallMs, zone);
  const earliest = instants[0];
  if (earliest !== undefined) return earliest;
  // In a gap: resolveWallTime found two different offsets, so the transition is known.
  return transitionMs ?? wallMs - offsetAt(wallMs, zone);
}
