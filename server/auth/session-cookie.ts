import { parse } from 'cookie';
import type { Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_ABSOLUTE_MS } from './session.service';

/** Behind HTTPS the cookie is Secure and `__Host-` prefixed: bound to this exact host and path. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-lex_session' : 'lex_session');

/** The session token of a request: the Bearer header (tools) or the session cookie (browsers). */
export function sessionToken(headers: IncomingHttpHeaders, secure: boolean): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  return headers.cookie ? parse(headers.cookie)[sessionCookieName(secure)] : undefined;
}

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, secure, path: '/' });

/** Hands a new session to the browser (password sign-in and sign-in from Lex alike). */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(sessionCookieName(secure), token, { ...cookieOptions(secure), maxAge: SESSION_ABSOLUTE_MS });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), cookieOptions(secure));
}
