import type { Catalog } from './en';

export const nl: Catalog = {
  page: {
    backToLex: 'Terug naar Lex',
  },
  sso: {
    refusedTitle: 'Inloggen is niet gelukt',
    refusedBody: 'De inloglink uit Lex is ongeldig of verlopen. Ga terug naar Lex en open Support opnieuw.',
  },
  email: {
    greeting: 'Beste {{name}},',
  },
};
