/**
 * Emails are normalised here, once: surrounding spaces off, nothing else. Case is the database's
 * to compare (`emailMatches`, backed by the unique index on `lower(email)`): JavaScript's
 * toLowerCase and PostgreSQL's lower() disagree on letters such as "İ", so nothing keys on an email
 * lowered in JavaScript.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim();
}

/** The one condition that finds the account of an email, as SQL over `column` and a parameter. */
export const emailMatches = (column: string, parameter: string) => `lower(${column}) = lower(${parameter})`;
