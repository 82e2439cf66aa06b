/**
 * Local wall-clock time of an instant in an IANA zone, straight from Intl: the checker's own reading of the clock,
 * independent of the service's zoned-time code it is checking.
 */

export interface LocalTime {
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  readonly isoWeekday: number;
  /** Minutes after local midnight. */
  readonly minute: number;
  /** YYYY-MM-DD. */
  readonly date: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formats.set(zone, format);
  }
  return format;
}

export function localTime(instantMs: number, zone: string): LocalTime {
  const parts = Object.fromEntries(
    formatFor(zone)
      .formatToParts(instantMs)
      .map((p) => [p.type, p.value]),
  );
  return {
    isoWeekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}
