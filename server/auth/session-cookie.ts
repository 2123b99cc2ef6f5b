import { parse } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';

/** Behind HTTPS the cookie is Secure and `__Host-` prefixed: bound to this exact host and path. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-lex_session' : 'lex_session');

/** The session token of a request: the Bearer header (tools) or the session cookie (browsers). */
export function sessionToken(headers: IncomingHttpHeaders, secure: boolean): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  return headers.cookie ? parse(headers.cookie)[sessionCookieName(secure)] : undefined;
}
