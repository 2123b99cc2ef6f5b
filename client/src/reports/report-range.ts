/**
 * The reports page's range and export (docs/architecture.md §11), pure: the range as the URL holds it
 * (?days=90, or ?from=2026-01-01&to=2026-01-31), what supportReport is asked, and the CSV of a table.
 */

/** The quick choices, in days back from today (today included). */
export const PRESETS = [7, 30, 90, 365] as const;
export const DEFAULT_DAYS = 30;
/** The server's longest report (MAX_REPORT_DAYS). */
export const MAX_DAYS = 400;

export interface ReportRange {
  from: string;
  to: string;
  /** The preset it is, when it is one. */
  days: number | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

/** A date as YYYY-MM-DD, as the browser's calendar has it. */
export function isoDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** A real date: 2026-02-30 does not read back as itself. */
const isDate = (value: string | null): value is string =>
  !!value && DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;

/** The range the address asks for: custom dates when both are valid dates in order, else a preset (default 30 days). */
export function rangeFromParams(params: URLSearchParams, today: Date): ReportRange {
  const from = params.get('from');
  const to = params.get('to');
  if (isDate(from) && isDate(to) && from <= to && daysBetween(from, to) <= MAX_DAYS) return { from, to, days: null };
  const asked = Number(params.get('days'));
  const days = (PRESETS as readonly number[]).includes(asked) ? asked : DEFAULT_DAYS;
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDate(start), to: isoDate(today), days };
}

/** supportReport's arguments: noon UTC is the same date in every time zone from UTC−11 to UTC+11. */
export const reportVariables = ({ from, to }: ReportRange) => ({ from: `${from}T12:00:00.000Z`, to: `${to}T12:00:00.000Z` });

/** A CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV: CRLF line ends, as RFC 4180 says. */
export const toCsv = (rows: (string | number | null)[][]) => rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';

export const csvFileName = ({ from, to }: ReportRange) => `lex-support-report-${from}-to-${to}.csv`;
