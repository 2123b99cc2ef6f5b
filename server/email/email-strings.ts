import { t, type TextKey } from '../i18n';

/** A key of the emails' texts in the server's catalogs (server/i18n). */
export type EmailStringKey = Extract<TextKey, `email.${string}`>;

/** An email's text in the recipient's language, as plain text (callers escape it for HTML). */
export function emailText(locale: string, key: EmailStringKey, vars: Record<string, string | number> = {}): string {
  return t(locale, key, { ...vars, interpolation: { escapeValue: false } });
}

/** The name of a satisfaction score (1 to 5) in `locale`: "Very poor" … "Excellent". */
export const ratingScoreLabel = (locale: string, score: number) => emailText(locale, `email.rating.scores.score${score}` as EmailStringKey);
