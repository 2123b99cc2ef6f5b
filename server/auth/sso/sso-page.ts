import { Locale, t } from '../../i18n';

/** Why a sign-in from Lex was refused, as far as the person may be told. */
export type SsoRefusalReason = 'expired' | 'invalid' | 'replayed' | 'conflict' | 'unavailable' | 'off';

/**
 * The page a refused sign-in from Lex shows: what went wrong and what to do, never the technical
 * cause. Every text is a constant of the catalog: nothing from the request is written into it.
 */
export function refusalPage(locale: Locale, reason: SsoRefusalReason): string {
  const title = t(locale, 'sso.refusedTitle');
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.25rem}</style></head>
<body><main><h1>${title}</h1><p>${t(locale, `sso.refused.${reason}`)}</p></main></body>
</html>
`;
}
