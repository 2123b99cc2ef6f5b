import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_LOCALE, isLocale, LOCALES, resolveLocale, type Locale } from '../../../server/i18n/locales';
import { en } from './en';
import { nl } from './nl';

export { isLocale, LOCALES, type Locale };

/** The catalogs, for the test that compares their keys. */
export const catalogs = { en, nl };

// Before sign-in there is no saved choice on the server: this browser remembers the last one.
const STORAGE_KEY = 'lex-support.locale';

function rememberedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The same rule as the server's: a saved choice, else the browser's languages, else English. */
function initialLocale(): Locale {
  const acceptLanguage = typeof navigator === 'undefined' ? '' : (navigator.languages ?? [navigator.language]).join(',');
  return resolveLocale({ saved: rememberedLocale(), acceptLanguage });
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, nl: { translation: nl } },
  lng: initialLocale(),
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  initAsync: false,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
});

function followLocale(locale: string) {
  document.documentElement.lang = locale;
}
followLocale(i18n.language);
i18n.on('languageChanged', followLocale);

/** The locale the app speaks now. */
export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE;
}

/** Switches the app's language (and `<html lang>`) and remembers it in this browser. */
export async function switchLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
}

/** The BCP 47 tag `Intl` formats with: Dutch as in the Netherlands, English as in Europe (day before month, 24 hours). */
export function intlLocale(locale: string = currentLocale()): string {
  return locale === 'nl' ? 'nl-NL' : 'en-GB';
}
