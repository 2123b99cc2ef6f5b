/** The languages people can use Lex Support in. `en` is also the fallback for anything unknown. */
export const LOCALES = ['en', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The locale to use for a person: their saved choice (which sign-in from Lex writes from its `locale` claim),
 * else the best supported language of their browser's `Accept-Language`, else English.
 */
export function resolveLocale({ saved, acceptLanguage }: { saved?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(saved)) return saved;
  return fromAcceptLanguage(acceptLanguage ?? '') ?? DEFAULT_LOCALE;
}

/** `nl-BE;q=0.9, en;q=0.8` → the supported language with the highest weight (`nl`), or null. */
function fromAcceptLanguage(header: string): Locale | null {
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { language: tag.trim().toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter(({ language, weight }) => weight > 0 && isLocale(language))
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return ranked.length ? (ranked[0].language as Locale) : null;
}
