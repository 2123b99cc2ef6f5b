/**
 * Business hours (docs/architecture.md §10): when the Lex team works, and "N business hours after
 * instant t". Pure code on `Intl`'s time-zone data: days are walked as dates on the business's own
 * calendar and each day's opening and closing are turned into instants there, so a DST change moves
 * the instants, never the hours on the clock.
 */

/** When the team works: `days` (0 = Sunday … 6 = Saturday) from `opensAt` to `closesAt` in `timeZone`. */
export interface BusinessHours {
  days: ReadonlySet<number>;
  /** Minutes after local midnight, 0 to 1439. */
  opensAt: number;
  /** Minutes after local midnight, after `opensAt`, at most 1440 (24:00). */
  closesAt: number;
  /** An IANA time zone, such as Europe/Amsterdam. */
  timeZone: string;
  /** Local dates (`YYYY-MM-DD`) on which nobody works. */
  holidays: ReadonlySet<string>;
}

/** A stretch of business time, `[start, end)`. */
export interface BusinessWindow {
  start: Date;
  end: Date;
}

export const DEFAULT_BUSINESS_HOURS = 'Mon-Fri 09:00-17:00 Europe/Amsterdam';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTE = 60_000;
const DAY = 86_400_000;
/** The longest walk through the calendar: ten years of days. */
const MAX_DAYS = 3660;

/**
 * Reads `Mon-Fri 09:00-17:00 Europe/Amsterdam`: days (a range, a list, or both: `Mon-Wed,Fri`), one
 * stretch of hours (`24:00` closes at midnight), and a time zone. Throws a RangeError saying what is wrong.
 */
export function parseBusinessHours(text: string, holidays = ''): BusinessHours {
  const match = /^\s*(\S+)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})\s+(\S+)\s*$/.exec(text);
  if (!match) throw new RangeError(`must look like "${DEFAULT_BUSINESS_HOURS}" (days, hours, time zone), got "${text}"`);
  const [, dayText, oh, om, ch, cm, timeZone] = match;
  const opensAt = minutesOf(oh, om);
  const closesAt = minutesOf(ch, cm);
  if (opensAt === undefined || closesAt === undefined || opensAt >= 1440)
    throw new RangeError(`has hours that are not times of day (00:00 to 24:00), got "${text}"`);
  if (closesAt <= opensAt) throw new RangeError(`must close after it opens, got ${oh}:${om}-${ch}:${cm}`);
  return { days: parseDays(dayText), opensAt, closesAt, timeZone: requireTimeZone(timeZone), holidays: parseHolidays(holidays) };
}

function minutesOf(hours: string, minutes: string): number | undefined {
  const total = Number(hours) * 60 + Number(minutes);
  return Number(minutes) < 60 && total <= 1440 ? total : undefined;
}

function parseDays(text: string): Set<number> {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to = from, ...rest] = part.split('-').map((name) => DAY_NAMES.indexOf(name));
    if (from < 0 || to < 0 || rest.length)
      throw new RangeError(`has unknown days "${text}": use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges (Mon-Fri) and commas`);
    // A range may wrap past Sunday (Sat-Mon).
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return days;
}

function requireTimeZone(name: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`has an unknown time zone "${name}" (use an IANA name such as Europe/Amsterdam)`);
  }
}

/** Reads `2026-12-25,2026-12-26`: local dates of the business's calendar. Throws a RangeError naming a bad date. */
export function parseHolidays(text: string): Set<string> {
  const dates = new Set<string>();
  for (const raw of text.split(',')) {
    const date = raw.trim();
    if (!date) continue;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const parsed = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    // Date.UTC rolls 2026-02-30 over into March: a real date reads back as written.
    if (!parsed || parsed.toISOString().slice(0, 10) !== date) throw new RangeError(`has "${date}", which is not a date like 2026-12-25`);
    dates.add(date);
  }
  return dates;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timeZone` at `instant`, written as if it were UTC (milliseconds). */
function wallClock(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatterOf(timeZone).formatToParts(instant)) parts[type] = Number(value);
  return (
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + (instant - Math.floor(instant / 1000) * 1000)
  );
}

const offsetAt = (timeZone: string, instant: number) => wallClock(timeZone, instant) - instant;

/**
 * The instant a wall-clock time in `timeZone` names. A time the clocks skip (in the spring gap)
 * is read with the offset from before the change, i.e. as late as the skip; a time that happens twice
 * (the autumn overlap) is its first occurrence, as Temporal's "compatible" disambiguation does.
 */
function instantOf(timeZone: string, wall: number): number {
  // Zones change their offset at most once a day: the offsets a day before and after bracket it.
  const before = offsetAt(timeZone, wall - DAY);
  const after = offsetAt(timeZone, wall + DAY);
  const candidates = [wall - before, wall - after].filter((instant) => wallClock(timeZone, instant) === wall);
  return candidates.length ? Math.min(...candidates) : wall - before;
}

const dateKey = (localMidnight: number) => new Date(localMidnight).toISOString().slice(0, 10);

/** The windows of business time that end after `from`, in order, for as long as the caller reads. */
export function* businessWindows(hours: BusinessHours, from: Date): Generator<BusinessWindow> {
  const wall = wallClock(hours.timeZone, from.getTime());
  let day = wall - (((wall % DAY) + DAY) % DAY);
  for (let walked = 0; walked < MAX_DAYS; walked++, day += DAY) {
    if (!hours.days.has(new Date(day).getUTCDay()) || hours.holidays.has(dateKey(day))) continue;
    const start = instantOf(hours.timeZone, day + hours.opensAt * MINUTE);
    const end = instantOf(hours.timeZone, day + hours.closesAt * MINUTE);
    if (end > start && end > from.getTime()) {
      walked = 0;
      yield { start: new Date(start), end: new Date(end) };
    }
  }
  throw new RangeError(`no business hours within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** The instant `businessHours` hours of business time after `start` (itself when 0). */
export function addBusinessHours(hours: BusinessHours, start: Date, businessHours: number): Date {
  let remaining = Math.round(businessHours * 3_600_000);
  if (remaining <= 0) return start;
  for (const window of businessWindows(hours, start)) {
    const from = Math.max(start.getTime(), window.start.getTime());
    const available = window.end.getTime() - from;
    // Due exactly at closing time is due that day, not at the next opening.
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error('unreachable: businessWindows ends by throwing');
}
