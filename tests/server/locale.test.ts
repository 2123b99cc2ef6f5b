import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';

const SET_LOCALE = `mutation ($locale: String!) { setLocale(locale: $locale) { id locale } }`;
const ME = `{ me { locale } }`;

let server: TestServer;
let customer: SignedIn;

beforeAll(async () => {
  server = await startTestServer();
  customer = await signedInUser(server, 'customer');
});
afterAll(() => server.close());

describe('a person’s language', () => {
  it('is English until they choose', async () => {
    expect((await ok(server, ME, {}, customer.token)).me.locale).toBe('en');
  });

  it('is saved by setLocale and read back by me', async () => {
    expect((await ok(server, SET_LOCALE, { locale: 'nl' }, customer.token)).setLocale).toEqual({ id: customer.id, locale: 'nl' });
    expect((await ok(server, ME, {}, customer.token)).me.locale).toBe('nl');
    await ok(server, SET_LOCALE, { locale: 'en' }, customer.token);
    expect((await ok(server, ME, {}, customer.token)).me.locale).toBe('en');
  });

  it.each(['de', 'NL', 'nl-NL', '', ' en', 'x'.repeat(10_000)])(
    'refuses %j naming the field, and keeps the saved choice',
    async (locale) => {
      await ok(server, SET_LOCALE, { locale: 'nl' }, customer.token);
      const result = await graphql(server, SET_LOCALE, { locale }, customer.token);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'locale' });
      expect(result.errors?.[0].message).toMatch(/en, nl/);
      expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts/i);
      expect((await ok(server, ME, {}, customer.token)).me.locale).toBe('nl');
    },
  );

  it('needs a signed-in person', async () => {
    const result = await graphql(server, SET_LOCALE, { locale: 'nl' });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('is stored only as en or nl, whatever writes it', async () => {
    await expect(server.sql(`UPDATE users SET locale = 'de' WHERE id = $1`, [customer.id])).rejects.toThrow(/users_locale_known/);
  });
});
