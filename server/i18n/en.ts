/** Text the server renders itself (pages and emails), in English. Dutch lives in nl.ts with the same keys. */
export const en = {
  sso: {
    refusedTitle: 'Signing in from Lex did not work',
    refused: {
      expired: 'This sign-in link has expired. Go back to Lex and open Support again.',
      invalid: 'This sign-in link is not valid. Go back to Lex and open Support again.',
      replayed: 'This sign-in link has already been used. Go back to Lex and open Support again.',
      conflict:
        'Your Lex account cannot be linked: Lex Support already has a different account with the same email address. Please contact the Lex team.',
      unavailable: 'Signing in from Lex is not possible right now. Please try again in a minute.',
      off: 'Signing in from Lex is not set up on this server.',
    },
  },
  email: {
    greeting: 'Hello {{name}},',
  },
};

/** Every catalog has exactly this shape (a test checks the keys, this type checks it at compile time). */
export type Catalog = typeof en;
