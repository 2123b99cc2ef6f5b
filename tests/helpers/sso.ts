import { randomUUID } from 'node:crypto';
import { generateKeyPair, JWTPayload, KeyLike, SignJWT } from 'jose';
import type { SsoConfig } from '../../server/config';
import type { TestServer } from './server';

export const LEX_ISSUER = 'https://lex.example';
export const AUDIENCE = 'lex-support';

export interface LexKey {
  publicKey: KeyLike;
  privateKey: KeyLike;
  alg: string;
  kid?: string;
}

/** A key pair as Lex would have one. */
export async function lexKey(alg: 'EdDSA' | 'ES256' | 'RS256' = 'EdDSA', kid?: string): Promise<LexKey> {
  return { ...(await generateKeyPair(alg, { extractable: true })), alg, kid };
}

export function ssoWithPublicKey(key: LexKey, extra: Partial<SsoConfig> = {}): SsoConfig {
  return { issuer: LEX_ISSUER, audience: AUDIENCE, keys: { kind: 'pem', key: key.publicKey as never }, only: false, ...extra };
}

/** The claims of a customer of Lex; `overrides` replace or (as undefined) remove them. */
export function customerClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: LEX_ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    sub: 'lex-user-1',
    email: 'dana@bakkerij.example',
    name: 'Dana de Vries',
    role: 'customer',
    tenant_id: 'lex-tenant-1',
    tenant_name: 'Bakkerij de Vries',
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** Signs claims as Lex does (SignJWT), with the key's algorithm and kid. */
export function mint(key: LexKey, claims: JWTPayload = customerClaims()): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, ...(key.kid ? { kid: key.kid } : {}) }).sign(key.privateKey);
}

export interface Arrival {
  status: number;
  location: string | null;
  /** The session token the Set-Cookie header carries, if any. */
  session: string | null;
  body: string;
}

/** Follows a link from Lex to `GET /sso`, as a browser would, without following the redirect. */
export async function arrive(
  server: Pick<TestServer, 'origin'>,
  token: string,
  options: { returnTo?: string; language?: string } = {},
): Promise<Arrival> {
  const query = new URLSearchParams({ token, ...(options.returnTo !== undefined ? { return_to: options.returnTo } : {}) });
  const response = await fetch(`${server.origin}/sso?${query}`, {
    redirect: 'manual',
    headers: options.language ? { 'accept-language': options.language } : {},
  });
  const cookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    location: response.headers.get('location'),
    session: cookie ? (/lex_session=([^;]+)/.exec(cookie)?.[1] ?? null) : null,
    body: await response.text(),
  };
}
