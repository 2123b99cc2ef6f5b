/**
 * Relative and absolute time formatting with `Intl`, in the app's language. Pure apart from the
 * language: `now` is always passed in.
 */
import { currentLocale, i18n, intlLocale } from '../i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "3 minutes ago", "2 hours ago", "yesterday", "5 days ago", then a date (or "zojuist", "3 minuten geleden", "gisteren"…). */
export function formatRelative(iso: string, now: number, locale: string = currentLocale()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const diff = now - then;
  if (diff < 45_000) return i18n.t('time.justNow', { lng: locale }); // also covers small clock skew into the future
  const relative = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: 'auto' });
  if (diff < HOUR) return relative.format(-Math.max(1, Math.round(diff / MINUTE)), 'minute');
  if (diff < DAY) return relative.format(-Math.floor(diff / HOUR), 'hour');
  if (diff < 7 * DAY) return relative.format(-Math.floor(diff / DAY), 'day');
  return formatDate(iso, now, locale);
}

/** "12 Mar" this year, "12 Mar 2024" otherwise ("12 mrt." in Dutch). */
export function formatDate(iso: string, now: number = Date.now(), locale: string = currentLocale()): string {
  const d = new Date(iso);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(intlLocale(locale), {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** Full date and time for titles and details: "12 Mar 2025, 14:05". */
export function formatDateTime(iso: string, locale: string = currentLocale()): string {
  const d = new Date(iso);
  return d.toLocaleString(intlLocale(locale), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Time of day: "14:05" (in the conversation, whose day separators name the day). */
export function formatClock(iso: string, locale: string = currentLocale()): string {
  return new Date(iso).toLocaleTimeString(intlLocale(locale), { hour: '2-digit', minute: '2-digit' });
}

/** "3 March" this year, "3 March 2025" otherwise ("3 maart"): a day named in a sentence. */
export function formatLongDate(iso: string, now: number, locale: string = currentLocale()): string {
  const d = new Date(iso);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(intlLocale(locale), { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) });
}

/**
 * A day separator's words for a local day "YYYY-MM-DD": "Today", "Yesterday", else the weekday and date
 * ("Monday 3 March", "maandag 3 maart"), with the year when it is not this year's.
 */
export function formatDayLabel(day: string, now: number, locale: string = currentLocale()): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  const today = new Date(now);
  const todayStart = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const daysAgo = Math.round((todayStart.getTime() - date.getTime()) / DAY);
  if (daysAgo === 0) return i18n.t('conversation.today', { lng: locale });
  if (daysAgo === 1) return i18n.t('conversation.yesterday', { lng: locale });
  return date.toLocaleDateString(intlLocale(locale), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(y === today.getFullYear() ? {} : { year: 'numeric' }),
  });
}
