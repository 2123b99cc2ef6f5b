import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, JWTVerifyGetKey } from 'jose';
import type { SsoKeySource } from '../../config';

/** What verifies a token's signature: one public key, or Lex's key set by the token's `kid`. */
export type SsoVerificationKey = KeyObject | JWTVerifyGetKey;

/**
 * Lex's keys. A JWKS is cached (10 minutes) and refetched at once for a `kid` not in the cache, at
 * most every 30 seconds: a rotated key works on its first token, and tokens with made-up `kid`s
 * cannot make us hammer Lex.
 */
export function ssoVerificationKey(source: SsoKeySource): SsoVerificationKey {
  switch (source.kind) {
    case 'pem':
      return source.key;
    case 'jwks':
      return createRemoteJWKSet(new URL(source.url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5000 });
    case 'development':
      return createPublicKey(developmentKeyPair(source.dataDir).privateKey);
  }
}

export const DEVELOPMENT_KEY_FILE = 'sso-development-key.pem';

/**
 * The Ed25519 key pair of development tokens, made on first use and kept under DATA_DIR, so that
 * the server and `npm run sso -- token` agree on it across restarts. Never used in production.
 */
export function developmentKeyPair(dataDir: string): { privateKey: KeyObject } {
  const file = path.join(dataDir, DEVELOPMENT_KEY_FILE);
  try {
    return { privateKey: createPrivateKey(readFileSync(file, 'utf8')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    // 'wx': when the server and the command make one at the same moment, the first one written wins.
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { privateKey: createPrivateKey(readFileSync(file, 'utf8')) };
}
