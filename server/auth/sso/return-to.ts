/** Where a sign-in from Lex lands when `return_to` is missing or not a path of this site. */
export const DEFAULT_RETURN_TO = '/support';

/**
 * `return_to` when it is a path on this origin, else the default: one leading slash, no `//` or `\`
 * (browsers read both as another host), no scheme, no control characters (browsers drop tabs and
 * newlines, which would turn `/\t/evil` into `//evil`).
 */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2000) return DEFAULT_RETURN_TO;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || /[\u0000-\u001f\u007f]/.test(raw)) return DEFAULT_RETURN_TO;
  // The URL parser, as a browser would read it, must agree that it stays on this origin.
  const base = 'http://same-origin.invalid';
  return new URL(raw, base).origin === base ? raw : DEFAULT_RETURN_TO;
}
