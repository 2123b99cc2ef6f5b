import { useId } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { SetLocaleDocument } from '../gql/graphql';
import { currentLocale, LOCALES, switchLocale, type Locale } from '../i18n';

/**
 * English or Nederlands: switches at once, and is saved to the account when signed in. `compact`
 * shows EN / NL (the top bar has no room for names on a phone); the label names the choice.
 */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const [save] = useMutation(SetLocaleDocument);
  const id = useId();

  async function choose(locale: Locale) {
    await switchLocale(locale);
    // Not saved (offline, session gone): the app still speaks the chosen language until the next visit.
    if (viewer) await save({ variables: { locale } }).catch(() => undefined);
  }

  return (
    <div className="lang-switch">
      <label className="sr-only" htmlFor={id}>
        {t('language.label')}
      </label>
      <select id={id} className="lang-switch__select" value={currentLocale()} onChange={(e) => void choose(e.target.value as Locale)}>
        {LOCALES.map((locale) => (
          // Compact, the name still starts with what shows ("EN, English"): label-content-name-mismatch.
          <option
            key={locale}
            value={locale}
            lang={locale}
            aria-label={compact ? `${locale.toUpperCase()}, ${t(`language.${locale}`)}` : undefined}
          >
            {compact ? locale.toUpperCase() : t(`language.${locale}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
