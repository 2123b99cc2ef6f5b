// Sign-in from Lex with Lex's key set (JWKS) served over HTTP, on two instances sharing the test
// Redis: a token signs in once, on whichever instance it lands.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK } from 'jose';
import { startTestServer, TestServer } from '../helpers/server';
import { arrive, AUDIENCE, customerClaims, LEX_ISSUER, LexKey, lexKey, mint, ssoWithPublicKey } from '../helpers/sso';
import { startTestRedis } from './live-helpers';

let current: LexKey;
let jwksServer: Server;
let jwksFetches = 0;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  current = await lexKey('ES256', 'lex-2026-11');
  // Lex's key set, as Lex would publish it.
  jwksServer = createServer(async (_req, res) => {
    jwksFetches++;
    const jwk = { ...(await exportJWK(current.publicKey)), kid: current.kid, alg: current.alg, use: 'sig' };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const sso = {
    issuer: LEX_ISSUER,
    audience: AUDIENCE,
    keys: { kind: 'jwks' as const, url: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json` },
    only: false,
  };
  a = await startTestServer({ sso, redis: true });
  b = await startTestServer({ sso, redis: true, databaseUrl: a.databaseUrl });
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

/** Claims of a Lex user of their own. */
const person = (sub: string, extra: Record<string, unknown> = {}) => customerClaims({ sub, email: `${sub}@bakkerij.example`, ...extra });
const users = async () => (await a.sql(`SELECT count(*)::int AS n FROM users`))[0].n;

it('a token used on instance A is refused on instance B (replay protection in Redis)', async () => {
  const token = await mint(current, person('lex-replayed'));
  expect((await arrive(a, token)).status).toBe(302);
  const before = await users();
  const replay = await arrive(b, token, { language: 'en' });
  expect(replay.status).toBe(401);
  expect(replay.body).toContain('This sign-in link has already been used.');
  expect(replay.session).toBeNull();
  expect(await users()).toBe(before);
});

it('the key set is cached; an unknown kid is refused, and refetches at most once per cooldown', async () => {
  const fetchesBefore = jwksFetches;
  for (const sub of ['lex-cached-1', 'lex-cached-2']) expect((await arrive(a, await mint(current, person(sub)))).status).toBe(302);
  expect(jwksFetches).toBe(fetchesBefore);

  const stranger = await lexKey('ES256', 'not-lex');
  const before = await users();
  for (let attempt = 0; attempt < 5; attempt++) {
    const refused = await arrive(a, await mint(stranger, person(`lex-stranger-${attempt}`, { role: 'superadmin' })));
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('This sign-in link is not valid.');
  }
  // The first unknown kid may refetch (the cooldown after the first fetch allows none); five never cost five.
  expect(jwksFetches - fetchesBefore).toBeLessThanOrEqual(1);
  expect(await users()).toBe(before);
});

it('while Redis is away, sign-in from Lex stops with a 503 page rather than risk a replay', async () => {
  const redis = await startTestRedis();
  const server = await startTestServer({ sso: ssoWithPublicKey(current), redis: redis.url, databaseUrl: a.databaseUrl });
  try {
    expect((await arrive(server, await mint(current, person('lex-before-outage')))).status).toBe(302);
    await redis.stop();
    const before = await users();
    const refused = await arrive(server, await mint(current, person('lex-during-outage')), { language: 'nl' });
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('Inloggen vanuit Lex lukt op dit moment niet.');
    expect(refused.session).toBeNull();
    expect(await users()).toBe(before);
  } finally {
    await server.close();
    await redis.stop();
  }
});
