import i18next, { type TOptions } from 'i18next';
import { en, type Catalog } from './en';
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

/** Every key of a catalog, as `a.b.c`. */
type KeyPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeyPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type TextKey = KeyPaths<Catalog>;

/**
 * Server-rendered text (`sso.refusedTitle`, …) in a locale (anything unknown reads as English). `vars` fill
 * `{{name}}` placeholders, HTML-escaped because the text goes into pages; plain-text emails pass
 * `interpolation: { escapeValue: false }`.
 */
export function t(locale: Locale | string, key: TextKey, vars: TOptions = {}): string {
  return i18n.t(key, { ...vars, lng: resolveLocale({ saved: locale }) });
}
