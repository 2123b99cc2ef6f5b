// Sign-in from Lex: a signed token becomes a session and a redirect; every bad token is refused
// with a page in the person's language and writes nothing.
import { SignJWT } from 'jose';
import { createUser, signIn } from '../helpers/accounts';
import { errorCode, graphql, ok } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';
import { api, ops } from '../helpers/support-api';
import { arrive, customerClaims, LexKey, lexKey, mint, ssoWithPublicKey } from '../helpers/sso';

let lex: LexKey;
let server: TestServer;

beforeAll(async () => {
  lex = await lexKey('EdDSA');
  server = await startTestServer({ sso: ssoWithPublicKey(lex) });
});

afterAll(() => server?.close());

const counts = async () =>
  (
    await server.sql(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM tenants)::int AS tenants, (SELECT count(*) FROM sessions)::int AS sessions`,
    )
  )[0];
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
let unique = 0;
/** Claims of a Lex user this test has not used yet. */
const fresh = (overrides: Record<string, unknown> = {}) => {
  unique++;
  return customerClaims({
    sub: `lex-user-${unique}`,
    email: `person${unique}@bakkerij.example`,
    tenant_id: `lex-tenant-${unique}`,
    tenant_name: `Bakkerij ${unique}`,
    ...overrides,
  });
};

describe('refusals: 401, a page in the language of the browser, nothing written', () => {
  const EXPIRED_EN = 'This sign-in link has expired. Go back to Lex and open Support again.';
  const INVALID_EN = 'This sign-in link is not valid. Go back to Lex and open Support again.';
  const INVALID_NL = 'Deze inloglink is ongeldig. Ga terug naar Lex en open Support opnieuw.';

  const cases: [string, () => Promise<string>, string, string][] = [
    ['expired', () => mint(lex, fresh({ iat: now() - 400, exp: now() - 100 })), 'en', EXPIRED_EN],
    [
      'expired (in Dutch)',
      () => mint(lex, fresh({ iat: now() - 400, exp: now() - 100 })),
      'nl-NL,nl;q=0.9,en;q=0.8',
      'Deze inloglink is verlopen.',
    ],
    ['not yet valid (nbf)', () => mint(lex, fresh({ nbf: now() + 120 })), 'en', INVALID_EN],
    ['without exp', () => mint(lex, fresh({ exp: undefined })), 'en', INVALID_EN],
    ['exp more than 5 minutes ahead', () => mint(lex, fresh({ exp: now() + 3600 })), 'en', INVALID_EN],
    ['without jti', () => mint(lex, fresh({ jti: undefined })), 'en', INVALID_EN],
    ['wrong issuer', () => mint(lex, fresh({ iss: 'https://evil.example' })), 'nl', INVALID_NL],
    ['wrong audience', () => mint(lex, fresh({ aud: 'another-app' })), 'en', INVALID_EN],
    ['alg none', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(fresh())}.`, 'en', INVALID_EN],
    [
      'HS256 signed with the public key as its secret',
      async () => {
        const pem = (lex.publicKey as unknown as import('node:crypto').KeyObject).export({ type: 'spki', format: 'pem' }) as string;
        return new SignJWT(fresh()).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(pem));
      },
      'en',
      INVALID_EN,
    ],
    ['a customer without tenant_id', () => mint(lex, fresh({ tenant_id: undefined })), 'en', INVALID_EN],
    [
      "role superadmin from a key that is not Lex's",
      async () => mint(await lexKey('EdDSA'), fresh({ role: 'superadmin' })),
      'en',
      INVALID_EN,
    ],
    ['an unknown role', () => mint(lex, fresh({ role: 'owner' })), 'en', INVALID_EN],
    ['a malformed email', () => mint(lex, fresh({ email: 'not-an-email' })), 'en', INVALID_EN],
    ['a token that is not a JWT', async () => 'hello', 'en', INVALID_EN],
    ['no token at all', async () => '', 'en', INVALID_EN],
    // Validly signed: only its size refuses it.
    ['a 10 KB token (refused before it is verified)', () => mint(lex, fresh({ padding: 'x'.repeat(10_000) })), 'en', INVALID_EN],
  ];

  it.each(cases)('%s', async (_what, token, language, text) => {
    const before = await counts();
    const result = await arrive(server, await token(), { language, returnTo: '/support/new' });
    expect(result.status).toBe(401);
    expect(result.location).toBeNull();
    expect(result.session).toBeNull();
    expect(result.body).toContain(text);
    expect(result.body).toContain(`<html lang="${language.startsWith('nl') ? 'nl' : 'en'}">`);
    // No detail of the cause: no library message, no claim.
    expect(result.body).not.toMatch(/JWS|JWT|claim|signature|ERR_/i);
    expect(await counts()).toEqual(before);
  });

  it('a 100 KB token is refused before any code reads it (Node answers 431), nothing written', async () => {
    const before = await counts();
    const result = await arrive(server, `${await mint(lex, fresh())}${'A'.repeat(100_000)}`);
    expect(result.status).toBe(431);
    expect(result.session).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('a replayed token: the second use is refused', async () => {
    const token = await mint(lex, fresh());
    expect((await arrive(server, token)).status).toBe(302);
    const before = await counts();
    const again = await arrive(server, token, { language: 'nl' });
    expect(again.status).toBe(401);
    expect(again.session).toBeNull();
    expect(again.body).toContain('Deze inloglink is al gebruikt.');
    expect(await counts()).toEqual(before);
  });
});

describe('the redirect', () => {
  it.each([
    ['/support/new', '/support/new'],
    ['/support/tickets/42?tab=replies#latest', '/support/tickets/42?tab=replies#latest'],
    ['https://evil.example', '/support'],
    ['//evil.example', '/support'],
    ['/\\evil.example', '/support'],
    ['/\t/evil.example', '/support'],
    ['javascript:alert(1)', '/support'],
    ['support', '/support'],
  ])('return_to=%j goes to %s on this origin', async (returnTo, location) => {
    const result = await arrive(server, await mint(lex, fresh()), { returnTo });
    expect(result.status).toBe(302);
    expect(result.location).toBe(location);
  });

  it('without return_to goes to /support', async () => {
    expect((await arrive(server, await mint(lex, fresh()))).location).toBe('/support');
  });
});

describe('users and tenants just in time, by Lex ids', () => {
  const me = async (session: string) => {
    const { me: signedIn } = await ok(server, ops.me, {}, session);
    if (!signedIn) throw new Error('not signed in');
    return signedIn;
  };
  const userRow = async (id: string) =>
    (await server.sql(`SELECT external_id, email, name, role, tenant_id FROM users WHERE id = $1`, [id]))[0];

  it('a new Lex user arrives signed in, with a new tenant; the cookie is a working session', async () => {
    const claims = fresh({ tenant_name: 'Kapsalon Knip' });
    const before = await counts();
    const result = await arrive(server, await mint(lex, claims), { returnTo: '/support/new' });
    expect(result.status).toBe(302);
    expect(result.location).toBe('/support/new');
    expect(result.session).toBeTruthy();
    expect(await me(result.session!)).toMatchObject({
      email: claims.email,
      name: 'Dana de Vries',
      role: 'CUSTOMER',
      tenant: { name: 'Kapsalon Knip' },
    });
    expect(await counts()).toEqual({ users: before.users + 1, tenants: before.tenants + 1, sessions: before.sessions + 1 });
    const [tenant] = await server.sql(`SELECT name FROM tenants WHERE external_id = $1`, [claims.tenant_id]);
    expect(tenant.name).toBe('Kapsalon Knip');
    // An account from Lex has no password here.
    expect(await errorCode(server, `mutation { login(email: "${claims.email}", password: "!") { token } }`)).toBe('UNAUTHENTICATED');
  });

  it('a second user of the same company joins the same tenant', async () => {
    const first = fresh();
    await arrive(server, await mint(lex, first));
    const second = fresh({ tenant_id: first.tenant_id, tenant_name: first.tenant_name });
    const before = await counts();
    const result = await arrive(server, await mint(lex, second));
    expect((await me(result.session!)).tenant?.name).toBe(first.tenant_name);
    expect(await counts()).toMatchObject({ users: before.users + 1, tenants: before.tenants });
  });

  it('a changed email or name in Lex updates the same user, and a renamed company its tenant', async () => {
    const claims = fresh();
    const first = await me((await arrive(server, await mint(lex, claims))).session!);
    const before = await counts();
    const changed = {
      ...claims,
      jti: `${claims.jti}-2`,
      email: `renamed-${claims.email}`,
      name: 'Dana Jansen',
      tenant_name: 'Bakkerij Jansen',
    };
    const second = await me((await arrive(server, await mint(lex, changed))).session!);
    expect(second).toMatchObject({ id: first.id, email: changed.email, name: 'Dana Jansen', tenant: { name: 'Bakkerij Jansen' } });
    expect(await counts()).toMatchObject({ users: before.users, tenants: before.tenants });
  });

  it('a Lex customer who joined the Lex team becomes a superadmin of no tenant, leaving their tickets with the company', async () => {
    const claims = fresh();
    const customerSession = (await arrive(server, await mint(lex, claims))).session!;
    const customer = await me(customerSession);
    await api(server).createTicket(customerSession);
    const promoted = { ...claims, jti: `${claims.jti}-2`, role: 'superadmin', tenant_id: undefined, tenant_name: undefined };
    const admin = await me((await arrive(server, await mint(lex, promoted))).session!);
    expect(admin).toMatchObject({ email: claims.email, role: 'SUPERADMIN', tenant: null });
    expect(admin.id).not.toBe(customer.id);
    expect(await userRow(customer.id)).toMatchObject({ external_id: null, role: 'customer' });
    // Back from the team: a fresh customer account again, the superadmin account kept.
    const back = { ...claims, jti: `${claims.jti}-3` };
    expect(await me((await arrive(server, await mint(lex, back))).session!)).toMatchObject({
      id: admin.id,
      role: 'CUSTOMER',
      tenant: { name: claims.tenant_name },
    });
  });

  it('moved to another company: the old tickets stay with the old tenant and are no longer visible to the user', async () => {
    const desk = api(server);
    const claims = fresh();
    const oldSession = (await arrive(server, await mint(lex, claims))).session!;
    const oldUser = await me(oldSession);
    const ticket = await desk.createTicket(oldSession, { subject: 'Salarisstrook klopt niet' });

    const moved = { ...claims, jti: `${claims.jti}-2`, tenant_id: `${claims.tenant_id}-new`, tenant_name: 'Nieuwe Werkgever BV' };
    const newSession = (await arrive(server, await mint(lex, moved))).session!;
    const newUser = await me(newSession);
    expect(newUser).toMatchObject({ email: claims.email, tenant: { name: 'Nieuwe Werkgever BV' } });
    expect(newUser.id).not.toBe(oldUser.id);
    expect((await desk.myTickets(newSession)).totalCount).toBe(0);
    expect(await desk.ticket(newSession, ticket.id)).toBeNull();
    // The old account keeps the ticket in the old tenant, is no longer Lex's user, and is signed out.
    const [stored] = await server.sql(`SELECT tenant_id, user_id FROM support_tickets WHERE id = $1`, [ticket.id]);
    expect(stored).toEqual({ tenant_id: (await userRow(oldUser.id)).tenant_id, user_id: oldUser.id });
    expect(await userRow(oldUser.id)).toMatchObject({ external_id: null, email: `${oldUser.id}@moved.invalid` });
    expect((await graphql(server, ops.me, {}, oldSession)).data?.me).toBeNull();
  });

  it('never merges through an email: a password account or another Lex user with that email is a conflict', async () => {
    await createUser(server, {
      email: 'local@bakkerij.example',
      name: 'Local',
      password: 'a-long-password',
      role: 'customer',
      tenant: 'Local BV',
    });
    const before = await counts();
    const conflict = await arrive(server, await mint(lex, fresh({ email: 'LOCAL@bakkerij.example' })), { language: 'nl' });
    expect(conflict.status).toBe(401);
    expect(conflict.body).toContain('Je Lex-account kan niet worden gekoppeld');
    expect(await counts()).toEqual(before);

    const first = fresh();
    await arrive(server, await mint(lex, first));
    const after = await counts();
    const otherLexUser = fresh({ email: first.email });
    expect((await arrive(server, await mint(lex, otherLexUser))).status).toBe(401);
    // Nor can a Lex user change their email to one another account holds.
    const taken = { ...first, jti: `${first.jti}-2`, email: 'local@bakkerij.example' };
    expect((await arrive(server, await mint(lex, taken))).status).toBe(401);
    expect(await counts()).toEqual(after);
  });

  it('a new Lex company is not merged into a tenant here of the same name: it gets its Lex id after the name', async () => {
    await createUser(server, {
      email: 'owner@samename.example',
      name: 'Owner',
      password: 'a-long-password',
      role: 'customer',
      tenant: 'Same Name BV',
    });
    const claims = fresh({ tenant_name: 'same name bv' });
    const result = await arrive(server, await mint(lex, claims));
    expect((await me(result.session!)).tenant?.name).toBe(`same name bv (Lex ${claims.tenant_id})`);
  });

  it("Lex's locale claim becomes the user's language; an unknown one, or none, keeps the saved choice", async () => {
    const claims = fresh({ locale: 'nl' });
    const { id } = await me((await arrive(server, await mint(lex, claims))).session!);
    const locale = async () => (await server.sql(`SELECT locale FROM users WHERE id = $1`, [id]))[0].locale;
    expect(await locale()).toBe('nl');
    for (const [n, claim] of [
      [2, 'xx-YY'],
      [3, undefined],
    ] as const) {
      expect((await arrive(server, await mint(lex, { ...claims, jti: `${claims.jti}-${n}`, locale: claim }))).status).toBe(302);
      expect(await locale()).toBe('nl');
    }
    await arrive(server, await mint(lex, { ...claims, jti: `${claims.jti}-4`, locale: 'en' }));
    expect(await locale()).toBe('en');
  });

  it('tokens signed with ES256 and RS256 keys are accepted too', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const key = await lexKey(alg);
      const other = await startTestServer({ sso: ssoWithPublicKey(key), databaseUrl: server.databaseUrl });
      try {
        expect((await arrive(other, await mint(key, fresh()))).status).toBe(302);
      } finally {
        await other.close();
      }
    }
  });
});

describe('SSO_ONLY', () => {
  it('refuses password sign-in to customers, with a clear error; the Lex team still signs in', async () => {
    const only = await startTestServer({ sso: ssoWithPublicKey(lex, { only: true }), databaseUrl: server.databaseUrl });
    try {
      await createUser(only, {
        email: 'pw-customer@example.com',
        name: 'C',
        password: 'a-long-password',
        role: 'customer',
        tenant: 'Acme',
      });
      await createUser(only, { email: 'pw-admin@example.com', name: 'A', password: 'a-long-password', role: 'superadmin' });
      const refused = await graphql(
        only,
        `
          mutation {
            login(email: "pw-customer@example.com", password: "a-long-password") {
              token
            }
          }
        `,
      );
      expect(refused.errors?.[0]).toMatchObject({
        message: 'Customers sign in from Lex: open Support from within Lex',
        extensions: { code: 'FORBIDDEN' },
      });
      // A wrong password still says only that: SSO_ONLY tells nobody which emails are customers'.
      expect(await errorCode(only, `mutation { login(email: "pw-customer@example.com", password: "wrong-password") { token } }`)).toBe(
        'UNAUTHENTICATED',
      );
      expect(await signIn(only, 'pw-admin@example.com', 'a-long-password')).toBeTruthy();
      expect((await arrive(only, await mint(lex, fresh()))).status).toBe(302);
    } finally {
      await only.close();
    }
  });
});

describe('without sign-in from Lex configured', () => {
  it('GET /sso answers 404 with a page', async () => {
    const off = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const result = await arrive(off, await mint(lex, fresh()));
      expect(result.status).toBe(404);
      expect(result.body).toContain('Signing in from Lex is not set up on this server.');
    } finally {
      await off.close();
    }
  });
});
