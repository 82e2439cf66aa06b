import { isValidTimeZone, wallToUtc } from '../core/zoned-time.js';

/**
 * Reading the values an agent's data collection produces. They come from an LLM filling a JSON schema the
 * fundraiser wrote, so the same fact arrives as `true`, `"true"` or `"yes"`, an amount as `75`, `"75"` or
 * `"$75.00"`, and "nothing collected" as null, `""` or `"none"`. Each reader says what it accepts; anything else is
 * treated as not collected rather than guessed at.
 */

/** Values an extractor writes when it found nothing. */
const NOTHING = /^(none|null|nil|n\/?a|no|false|unknown|not (requested|provided|collected|applicable))$/i;

/** A value is collected unless it is missing, false, blank or one of the "nothing here" words. */
export function isCollected(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '' && !NOTHING.test(value.trim());
  return true;
}

/** `true`, `"true"` or `"yes"` (any case). Anything else, including 1 and "y", is not a yes. */
export function isYes(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value !== 'string') return false;
  const text = value.trim().toLowerCase();
  return text === 'true' || text === 'yes';
}

// A number as people and LLMs write money: 75, 75.5, 1,250.00 (commas only as thousands separators).
const NUMBER_TOKEN = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;

/**
 * A pledge amount from a number or text such as "75", "$75.00", "75 dollars", "USD 1,250" or "$20 a month".
 * Null when there is no amount, when the text holds more than one number ("2 gifts of 50": which one?), when it is
 * negative, not finite, or spelled out in words ("seventy-five": the agent's schema should ask for a number).
 */
export function parseAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const tokens = value.match(NUMBER_TOKEN) ?? [];
  const [token] = tokens;
  if (tokens.length !== 1 || token === undefined) return null;
  // A minus right before the number (allowing a currency sign between) makes it negative: ignored, not flipped.
  const before = value.slice(0, value.indexOf(token)).trim();
  if (/-\s*[$€£]?$/.test(before)) return null;
  const amount = Number(token.replaceAll(',', ''));
  return Number.isFinite(amount) ? amount : null;
}

/** Trimmed text, or null when blank or not text: for facts the provider reports (summary, numbers, reasons). */
export function nonBlank(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

/** Trimmed text, or null when blank, not text, or a "nothing here" word: for collected values. */
export function textOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' || NOTHING.test(text) ? null : text;
}

// ISO 8601 date and time, seconds and fraction optional; the offset is captured separately.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A callback time as an ISO 8601 instant, or null when it cannot be pinned to one instant.
 *
 * Accepts an ISO 8601 date-time with an offset ("2026-01-06T18:00:00-05:00", "…Z"), a local date-time without one
 * when a time zone is known to place it in (the contact's, else the conversation's), and Unix seconds or ms.
 * Deliberately not `Date.parse` on free text: V8 reads "call me at 6" as a date in 2001. "Tomorrow evening" and a
 * bare date are not an instant, so they give null (the retry policy then picks the time).
 */
export function parseCallbackTime(value: unknown, timeZone: string | null): string | null {
  if (typeof value === 'number') return fromUnix(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{10}(\d{3})?$/.test(text)) return fromUnix(Number(text));
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, offset] = m;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const wall = new Date(wallMs);
  // Date.UTC rolls 2026-02-30 over to March; a date that does not exist is not a time the donor asked for.
  const fields = [wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes()];
  if (fields.join() !== [mo, d, h, mi].map(Number).join() || Number(s ?? 0) > 59) return null;
  if (offset !== undefined) {
    const offsetMs = offsetMsOf(offset);
    return offsetMs === null ? null : new Date(wallMs - offsetMs).toISOString();
  }
  if (timeZone === null || !isValidTimeZone(timeZone)) return null;
  return new Date(wallToUtc(wallMs, timeZone)).toISOString();
}

function offsetMsOf(offset: string): number | null {
  if (offset.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (m === null) return null;
  const [, sign, hh, mm] = m;
  if (Number(hh) > 14 || Number(mm) > 59) return null;
  return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
}

/** Unix seconds (10 digits) or ms (13 digits), i.e. 2001–2286. Anything else is not read as a time. */
function fromUnix(n: number): string | null {
  if (!Number.isInteger(n) || n <= 0) return null;
  if (n >= 1e9 && n < 1e10) return new Date(n * 1000).toISOString();
  if (n >= 1e12 && n < 1e13) return new Date(n).toISOString();
  return null;
}
