import { catalogs, resolveLocale, t } from '../../server/i18n';
import { sameKeys } from '../helpers/catalog-keys';

describe('server text in two languages', () => {
  it('has the same keys in English and Dutch', () => {
    expect(sameKeys(catalogs.en, catalogs.nl)).toEqual({ missingInSecond: [], missingInFirst: [] });
  });

  it('renders a key in the asked language and falls back to English for unknown locales', () => {
    expect(t('nl', 'sso.refusedTitle')).toBe('Inloggen vanuit Lex is niet gelukt');
    expect(t('en', 'sso.refusedTitle')).toBe('Signing in from Lex did not work');
    expect(t('de', 'sso.refusedTitle')).toBe('Signing in from Lex did not work');
    expect(t('nl', 'email.answer.intro', { name: 'Anna <b>' })).toBe('Anna &lt;b&gt; van het Lex-team heeft je vraag beantwoord:');
  });
});

describe('resolveLocale', () => {
  it.each([
    [{ saved: 'nl', acceptLanguage: 'en' }, 'nl'],
    [{ saved: 'en', acceptLanguage: 'nl' }, 'en'],
    [{ saved: 'xx', acceptLanguage: 'nl-BE,nl;q=0.9' }, 'nl'],
    [{ saved: null, acceptLanguage: 'de-DE, nl;q=0.9, en;q=0.8' }, 'nl'],
    [{ acceptLanguage: 'de-DE, en;q=0.5, nl;q=0.7' }, 'nl'],
    [{ acceptLanguage: 'nl;q=0, en' }, 'en'],
    [{ acceptLanguage: 'fr, de' }, 'en'],
    [{ acceptLanguage: ';;q=abc,,' }, 'en'],
    [{}, 'en'],
  ])('%j → %s', (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });
});
