/**
 * ISO 8601 dates and times as M-Files wants them: Date as the calendar day and Time as the clock
 * time in the configured zone, Timestamp in UTC. A time without a zone is read in that zone too,
 * never in whatever zone the postroom host runs in.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;

const MS_PER_MINUTE = 60 * 1000;

export interface ParsedIso {
  /** The instant, when a time was given (or a date, read as midnight in the zone). */
  instant: Date;
  /** True when the text had only a date. */
  dateOnly: boolean;
  /** The date as written, for date-only text. */
  date?: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function partsIn(instant: Date, timeZone: string): Record<string, number> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time in the zone stands for (in a DST overlap one of the two; in a gap, shifted by it). */
function fromWallClock(wallUtcMs: number, timeZone: string): Date {
  const guess = wallUtcMs - offsetMs(new Date(wallUtcMs), timeZone);
  return new Date(wallUtcMs - offsetMs(new Date(guess), timeZone));
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Parses an ISO date or date-time; undefined when it is not one. */
export function parseIso(text: string, timeZone: string): ParsedIso | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validCalendarDate(y, mo, d)) return undefined;
  if (m[4] === undefined) {
    return {
      instant: fromWallClock(Date.UTC(y, mo - 1, d), timeZone),
      dateOnly: true,
      date: `${m[1]}-${m[2]}-${m[3]}`,
    };
  }
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = m[8];
  if (zone === undefined) return { instant: fromWallClock(wall, timeZone), dateOnly: false };
  if (zone.toUpperCase() === 'Z') return { instant: new Date(wall), dateOnly: false };
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * MS_PER_MINUTE;
  return { instant: new Date(wall - offset), dateOnly: false };
}

/** YYYY-MM-DD of the instant in the zone. */
export function dateIn(instant: Date, timeZone: string): string {
  const p = partsIn(instant, timeZone);
  return `${pad(p.year!, 4)}-${pad(p.month!)}-${pad(p.day!)}`;
}

/** HH:MM:SS of the instant in the zone. */
export function timeIn(instant: Date, timeZone: string): string {
  const p = partsIn(instant, timeZone);
  return `${pad(p.hour!)}:${pad(p.minute!)}:${pad(p.second!)}`;
}

/** YYYY-MM-DDTHH:MM:SSZ. */
export function utcTimestamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}

/** "9:05" or "09:05:30" as HH:MM:SS; undefined when it is not a clock time. */
export function parseClock(text: string): string | undefined {
  const m = CLOCK.exec(text.trim());
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return `${pad(h)}:${pad(mi)}:${pad(s)}`;
}
