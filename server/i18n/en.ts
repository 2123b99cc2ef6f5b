/** Text the server renders itself (pages and emails), in English. Dutch lives in nl.ts with the same keys. */
export const en = {
  page: {
    backToLex: 'Back to Lex',
  },
  sso: {
    refusedTitle: 'We could not sign you in',
    refusedBody: 'The sign-in link from Lex is not valid or has expired. Go back to Lex and open Support again.',
  },
  email: {
    greeting: 'Hello {{name}},',
  },
};

/** Every catalog has exactly this shape (a test checks the keys, this type checks it at compile time). */
export type Catalog = typeof en;
