import {
  DAY_MS,
  dayOfDateKey,
  isValidTimeZone,
  localDayAndMinute,
  MINUTE_MS,
  MINUTES_PER_DAY,
  offsetAt,
  resolveWallTime,
  weekdayOfDay,
} from '../core/zoned-time.js';
import { legalWindowOn, normalizeUsState } from './legal-hours.js';

export interface CallingWindow {
  /** ISO weekdays 1 (Monday) .. 7 (Sunday), in the contact's local time. */
  days: number[];
  startMinute: number;
  /** Exclusive, local. */
  endMinute: number;
  /** 'YYYY-MM-DD' local dates on which nobody is called (public holidays). */
  blackoutDates: string[];
}

export interface ContactZoneInfo {
  /** Candidate IANA zones; more than one when the zone is uncertain. */
  zones: string[];
  usState: string | null;
}

export interface WindowProblem {
  field: 'days' | 'startMinute' | 'endMinute' | 'blackoutDates';
  message: string;
}

/** Minutes [start, end) allowed on one local weekday: the campaign window cut down to the legal hours. */
interface Span {
  start: number;
  end: number;
}

/** A window compiled for one contact's state: the allowed span per ISO weekday (index 1..7) and blackout days. */
interface CompiledWindow {
  spans: (Span | null)[];
  blackoutDays: Set<number>;
}

function compile(window: CallingWindow, usState: string | null): CompiledWindow | null {
  const state = normalizeUsState(usState);
  const spans: (Span | null)[] = [null];
  let anyDay = false;
  for (let weekday = 1; weekday <= 7; weekday++) {
    const legal = legalWindowOn(state, weekday);
    const start = Math.max(window.startMinute, legal.startMinute);
    const end = Math.min(window.endMinute, legal.endMinute);
    const open = window.days.includes(weekday) && end > start;
    spans.push(open ? { start, end } : null);
    anyDay ||= open;
  }
  if (!anyDay) return null;
  const blackoutDays = new Set<number>();
  for (const dateKey of window.blackoutDates) {
    const day = dayOfDateKey(dateKey);
    if (day !== null) blackoutDays.add(day);
  }
  return { spans, blackoutDays };
}

/** Whether the zone's local clock at `instantMs` is inside the window; also returns the local day it computed. */
function checkZone(
  instantMs: number,
  zone: string,
  compiled: CompiledWindow,
): { allowed: boolean; day: number } {
  const { dayNumber, minuteOfDay } = localDayAndMinute(instantMs, zone);
  const span = compiled.spans[weekdayOfDay(dayNumber)];
  const allowed =
    span !== null &&
    span !== undefined &&
    !compiled.blackoutDays.has(dayNumber) &&
    minuteOfDay >= span.start &&
    minuteOfDay < span.end;
  return { allowed, day: dayNumber };
}

/**
 * The first zone (in `zones` order) where the instant is not allowed, or null when it is allowed everywhere. The
 * failing zone moves to the front: with several zones the same one tends to fail again, so it is checked first.
 */
function firstRefusingZone(
  instantMs: number,
  zones: string[],
  compiled: CompiledWindow,
): { zone: string; day: number } | null {
  for (let i = 0; i < zones.length; i++) {
    const zone = zones[i]!;
    const { allowed, day } = checkZone(instantMs, zone, compiled);
    if (!allowed) {
      if (i > 0) zones.unshift(...zones.splice(i, 1));
      return { zone, day };
    }
  }
  return null;
}

/**
 * Whether a call may start at `instantMs`: in every candidate zone, computed at that instant, the local weekday is
 * a calling day, the local date is not a blackout date, and the local time is inside both the campaign window and
 * the legal hours. Fails closed: no zones, or a zone Intl does not know, means no.
 */
export function isCallAllowedAt(instantMs: number, contact: ContactZoneInfo, window: CallingWindow): boolean {
  if (contact.zones.length === 0 || !contact.zones.every(isValidTimeZone)) return false;
  const compiled = compile(window, contact.usState);
  return compiled !== null && firstRefusingZone(instantMs, [...contact.zones], compiled) === null;
}

/** Offsets sampled once per day at 12:00 UTC the day before, shared by every day that needs them. */
class OffsetSamples {
  private readonly byZone = new Map<string, Map<number, number>>();

  at(zone: string, day: number): number {
    let samples = this.byZone.get(zone);
    if (samples === undefined) {
      samples = new Map();
      this.byZone.set(zone, samples);
    }
    let offset = samples.get(day);
    if (offset === undefined) {
      offset = offsetAt(day * DAY_MS - DAY_MS / 2, zone);
      samples.set(day, offset);
    }
    return offset;
  }
}

/**
 * The instants at which allowed time can begin on a local day, ascending: where the clock reaches the span's start
 * (both occurrences in a DST overlap; the first instant after a gap), or where a DST transition moves the clock into
 * the span. Every instant whose local time is inside a span (08:00–21:00 at the widest) lies between 12:00 UTC the
 * day before and 12:00 UTC the day after, since offsets lie within −12 h..+14 h; when the offset is the same at
 * those three samples there is no transition near, and the start is simple arithmetic.
 */
function entriesOfDay(day: number, span: Span, zone: string, samples: OffsetSamples): number[] {
  const wallMs = day * DAY_MS + span.start * MINUTE_MS;
  const offset = samples.at(zone, day);
  if (offset === samples.at(zone, day + 1) && offset === samples.at(zone, day + 2)) return [wallMs - offset];
  const { instants, transitionMs } = resolveWallTime(wallMs, zone);
  const entries = [...instants];
  if (transitionMs !== undefined && !entries.includes(transitionMs)) {
    const local = localDayAndMinute(transitionMs, zone);
    if (local.dayNumber === day && local.minuteOfDay >= span.start && local.minuteOfDay < span.end) {
      entries.push(transitionMs);
    }
  }
  return entries.sort((a, b) => a - b);
}

/** The zone's first entry into allowed time after `afterMs` (whose local day there is `fromDay`), before untilMs. */
function nextEntry(
  zone: string,
  afterMs: number,
  fromDay: number,
  untilMs: number,
  compiled: CompiledWindow,
  samples: OffsetSamples,
): number | null {
  // The last local day that can hold an instant before untilMs: local dates run at most a day ahead of UTC.
  const lastDay = Math.floor(untilMs / DAY_MS) + 1;
  for (let day = fromDay; day <= lastDay; day++) {
    const span = compiled.spans[weekdayOfDay(day)];
    if (span === null || span === undefined || compiled.blackoutDays.has(day)) continue;
    for (const entry of entriesOfDay(day, span, zone, samples)) {
      if (entry > afterMs) return entry < untilMs ? entry : null;
    }
  }
  return null;
}

/**
 * The earliest instant ≥ fromMs at which a call is allowed (fromMs itself if it is), or null if there is none
 * within `horizonDays` days.
 *
 * A leapfrog search instead of a scan: while the current instant is refused by some zone, nothing can be allowed
 * before that zone's next entry into allowed time, so jump there and check again. Each step costs a few Intl calls
 * and lands on an instant where some zone opens, so a typical search takes one or two steps.
 */
export function nextAllowedInstant(
  fromMs: number,
  contact: ContactZoneInfo,
  window: CallingWindow,
  horizonDays = 400,
): number | null {
  if (!Number.isFinite(fromMs) || contact.zones.length === 0 || !contact.zones.every(isValidTimeZone))
    return null;
  const compiled = compile(window, contact.usState);
  if (compiled === null) return null;
  const zones = [...contact.zones];
  const untilMs = fromMs + horizonDays * DAY_MS;
  const samples = new OffsetSamples();
  let candidateMs = fromMs;
  for (;;) {
    const refusing = firstRefusingZone(candidateMs, zones, compiled);
    if (refusing === null) return candidateMs;
    const next = nextEntry(refusing.zone, candidateMs, refusing.day, untilMs, compiled, samples);
    if (next === null) return null;
    candidateMs = next;
  }
}

/** The next attempt time, snapped into the window: the retry policy's earliest time, or later if it falls outside. */
export function snapToWindow(
  notBeforeMs: number,
  contact: ContactZoneInfo,
  window: CallingWindow,
  horizonDays = 400,
): number | null {
  return nextAllowedInstant(notBeforeMs, contact, window, horizonDays);
}

const isMinute = (value: number): boolean =>
  Number.isInteger(value) && value >= 0 && value <= MINUTES_PER_DAY;

const hhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** What is wrong with a window supplied by a user; empty when it is usable. */
export function validateWindow(window: CallingWindow): WindowProblem[] {
  const problems: WindowProblem[] = [];
  if (window.days.length === 0)
    problems.push({ field: 'days', message: 'at least one calling day is required' });
  const badDays = window.days.filter((day) => !Number.isInteger(day) || day < 1 || day > 7);
  if (badDays.length > 0) {
    problems.push({
      field: 'days',
      message: `days are ISO weekdays 1 (Monday) to 7 (Sunday), got ${badDays.join(', ')}`,
    });
  }
  if (new Set(window.days).size !== window.days.length) {
    problems.push({ field: 'days', message: 'days must not repeat' });
  }
  const startOk = isMinute(window.startMinute) && window.startMinute < MINUTES_PER_DAY;
  const endOk = isMinute(window.endMinute);
  if (!startOk) problems.push({ field: 'startMinute', message: 'must be a whole minute from 0 to 1439' });
  if (!endOk) problems.push({ field: 'endMinute', message: 'must be a whole minute from 1 to 1440' });
  if (startOk && endOk) {
    if (window.startMinute >= window.endMinute) {
      problems.push({ field: 'endMinute', message: 'the window must end after it starts' });
    } else {
      const legal = legalWindowOn(null, 1);
      if (window.endMinute <= legal.startMinute || window.startMinute >= legal.endMinute) {
        problems.push({
          field: 'startMinute',
          message: `the window ${hhmm(window.startMinute)}–${hhmm(window.endMinute)} lies outside the legal calling hours ${hhmm(legal.startMinute)}–${hhmm(legal.endMinute)}`,
        });
      }
    }
  }
  const badDates = window.blackoutDates.filter((date) => dayOfDateKey(date) === null);
  if (badDates.length > 0) {
    problems.push({ field: 'blackoutDates', message: `not valid YYYY-MM-DD dates: ${badDates.join(', ')}` });
  }
  return problems;
}
