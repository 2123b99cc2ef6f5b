import i18next, { type TOptions } from 'i18next';
import { en } from './en';
import { resolveLocale, type Locale } from './locales';
import { nl } from './nl';

export { DEFAULT_LOCALE, LOCALES, isLocale, resolveLocale, type Locale } from './locales';

/** The server's catalogs, for the test that compares their keys. */
export const catalogs = { en, nl };

// Its own instance, initialised synchronously: the catalogs are in memory, so no request ever waits for them.
const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, nl: { translation: nl } },
  fallbackLng: 'en',
  supportedLngs: ['en', 'nl'],
  initAsync: false,
});

/**
 * Server-rendered text (`sso.refusedTitle`, …) in a locale (anything unknown reads as English). `vars` fill
 * `{{name}}` placeholders, HTML-escaped because the text goes into pages; plain-text emails pass
 * `interpolation: { escapeValue: false }`.
 */
export function t(locale: Locale | string, key: string, vars: TOptions = {}): string {
  return i18n.t(key, { ...vars, lng: resolveLocale({ saved: locale }) });
}
