import { Router } from 'express';
import type { Logger } from '../../logger';
import { setSessionCookie } from '../session-cookie';
import { safeReturnTo } from './return-to';
import { resolveLocale } from '../../i18n';
import { refusalPage } from './sso-page';
import { SsoRefusal, SsoService } from './sso.service';

export interface SsoRouteDeps {
  /** Unset when sign-in from Lex is not configured. */
  sso?: SsoService;
  secureCookies: boolean;
  log: Logger;
}

/**
 * `GET /sso?token=<jwt>&return_to=/support/...`: Lex's signed token becomes a session cookie and a
 * redirect to `return_to` (a path of this site only). A refusal is a page in the person's language.
 */
export function ssoRouter({ sso, secureCookies, log }: SsoRouteDeps): Router {
  const router = Router();
  router.get('/sso', async (req, res) => {
    // No cache keeps the token's URL or the answer (helmet's Referrer-Policy keeps the URL out of referrers).
    res.set('Cache-Control', 'no-store');
    const refuse = (status: number, refusal: SsoRefusal) => {
      log.warn({ reqId: res.locals.requestId, reason: refusal.reason, detail: refusal.detail }, 'sign-in from Lex refused');
      res
        .status(status)
        .type('html')
        .send(refusalPage(resolveLocale({ acceptLanguage: req.headers['accept-language'] }), refusal.reason));
    };
    if (!sso) return refuse(404, new SsoRefusal('off', 'SSO is not configured'));
    try {
      const sessionToken = await sso.signIn(typeof req.query.token === 'string' ? req.query.token : '');
      setSessionCookie(res, sessionToken, secureCookies);
      res.redirect(302, safeReturnTo(req.query.return_to));
    } catch (error) {
      if (error instanceof SsoRefusal) return refuse(error.reason === 'unavailable' ? 503 : 401, error);
      log.error({ err: error, reqId: res.locals.requestId }, 'sign-in from Lex failed');
      refuse(503, new SsoRefusal('unavailable', 'unexpected error'));
    }
  });
  return router;
}
