/**
 * An HTTP `Retry-After` header in milliseconds from `nowMs`: delta-seconds or an HTTP date (a date in the past is
 * 0). Null when absent or unreadable. Both providers' clients honour it.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
