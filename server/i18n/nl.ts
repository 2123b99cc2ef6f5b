import type { Catalog } from './en';

export const nl: Catalog = {
  sso: {
    refusedTitle: 'Inloggen vanuit Lex is niet gelukt',
    refused: {
      expired: 'Deze inloglink is verlopen. Ga terug naar Lex en open Support opnieuw.',
      invalid: 'Deze inloglink is ongeldig. Ga terug naar Lex en open Support opnieuw.',
      replayed: 'Deze inloglink is al gebruikt. Ga terug naar Lex en open Support opnieuw.',
      conflict:
        'Je Lex-account kan niet worden gekoppeld: Lex Support heeft al een ander account met hetzelfde e-mailadres. Neem contact op met het Lex-team.',
      unavailable: 'Inloggen vanuit Lex lukt op dit moment niet. Probeer het over een minuut opnieuw.',
      off: 'Inloggen vanuit Lex is op deze server niet ingesteld.',
    },
  },
  email: {
    greeting: 'Beste {{name}},',
  },
};
