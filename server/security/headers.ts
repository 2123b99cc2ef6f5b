import type { ApolloServerPlugin } from '@apollo/server';
import helmet from 'helmet';

/**
 * helmet's headers with a Content-Security-Policy that the web app and the playground meet without
 * inline scripts; never framed; HSTS in production; requests upgraded to HTTPS when the public
 * origin is HTTPS (a plain-HTTP deployment, such as the compose demo, keeps working).
 */
export function securityHeaders({ production, https }: { production: boolean; https: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
}

/** Says when a refused request may try again: `Retry-After` on the response of a RATE_LIMITED error. */
export const retryAfterHeader: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors }) {
        const retryAfter = errors?.map((error) => error.extensions?.retryAfter).find((value): value is number => typeof value === 'number');
        if (retryAfter) response.http.headers.set('retry-after', String(retryAfter));
      },
    };
  },
};
