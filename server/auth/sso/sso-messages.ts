/**
 * The texts of the sign-in page from Lex, in the languages of the app. Kept here until the app's
 * catalog takes them over.
 */
export const SSO_LOCALES = ['en', 'nl'] as const;
export type SsoLocale = (typeof SSO_LOCALES)[number];

/** Why a sign-in from Lex was refused, as far as the person may be told. */
export type SsoRefusalReason = 'expired' | 'invalid' | 'replayed' | 'conflict' | 'unavailable' | 'off';

interface PageTexts {
  title: string;
  reasons: Record<SsoRefusalReason, string>;
}

export const SSO_MESSAGES: Record<SsoLocale, PageTexts> = {
  en: {
    title: 'Signing in from Lex did not work',
    reasons: {
      expired: 'This sign-in link has expired. Go back to Lex and open Support again.',
      invalid: 'This sign-in link is not valid. Go back to Lex and open Support again.',
      replayed: 'This sign-in link has already been used. Go back to Lex and open Support again.',
      conflict:
        'Your Lex account cannot be linked: Lex Support already has a different account with the same email address. Please contact the Lex team.',
      unavailable: 'Signing in from Lex is not possible right now. Please try again in a minute.',
      off: 'Signing in from Lex is not set up on this server.',
    },
  },
  nl: {
    title: 'Inloggen vanuit Lex is niet gelukt',
    reasons: {
      expired: 'Deze inloglink is verlopen. Ga terug naar Lex en open Support opnieuw.',
      invalid: 'Deze inloglink is ongeldig. Ga terug naar Lex en open Support opnieuw.',
      replayed: 'Deze inloglink is al gebruikt. Ga terug naar Lex en open Support opnieuw.',
      conflict:
        'Je Lex-account kan niet worden gekoppeld: Lex Support heeft al een ander account met hetzelfde e-mailadres. Neem contact op met het Lex-team.',
      unavailable: 'Inloggen vanuit Lex lukt op dit moment niet. Probeer het over een minuut opnieuw.',
      off: 'Inloggen vanuit Lex is op deze server niet ingesteld.',
    },
  },
};

/** The first language of `Accept-Language` (by weight) that the app speaks, else English. */
export function localeFromAcceptLanguage(header: string | undefined): SsoLocale {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { language: tag.split('-')[0], weight: q === undefined ? 1 : Number(q) };
    })
    .filter(({ weight }) => weight > 0)
    .sort((a, b) => b.weight - a.weight);
  return (ranked.find(({ language }) => (SSO_LOCALES as readonly string[]).includes(language))?.language as SsoLocale) ?? 'en';
}
