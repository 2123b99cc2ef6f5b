import { SSO_MESSAGES, SsoLocale, SsoRefusalReason } from './sso-messages';

/** The page a refused sign-in from Lex shows: what went wrong and what to do, never the technical cause. */
export function refusalPage(locale: SsoLocale, reason: SsoRefusalReason): string {
  const texts = SSO_MESSAGES[locale];
  return page(locale, texts.title, [texts.reasons[reason]]);
}

/** For a link too long to even read its headers: no language is known, so both are shown. */
export function linkTooLongPage(): string {
  return page('en', `${SSO_MESSAGES.en.title} / ${SSO_MESSAGES.nl.title}`, [SSO_MESSAGES.en.reasons.invalid, SSO_MESSAGES.nl.reasons.invalid]);
}

// Every text is a constant of the catalog: nothing from the request is written into the page.
function page(lang: SsoLocale, title: string, paragraphs: string[]): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.25rem}</style></head>
<body><main><h1>${title}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join('')}</main></body>
</html>
`;
}
