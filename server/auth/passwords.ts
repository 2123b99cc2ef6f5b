import argon2 from 'argon2';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

// Verifying against this when the email is unknown makes both failures take the same time.
const decoy = hashPassword('not a password of anyone');

/** Stored for accounts that sign in from Lex only: no password matches it. */
export const NO_PASSWORD = '!';

export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  // An account without a password takes as long to refuse as any other.
  const usable = hash?.startsWith('$argon2') ? hash : await decoy;
  try {
    return (await argon2.verify(usable, password)) && usable === hash;
  } catch {
    return false;
  }
}
