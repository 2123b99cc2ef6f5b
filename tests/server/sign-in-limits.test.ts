import { createUser } from '../helpers/accounts';
import { TestServer, startTestServer } from '../helpers/server';

// Issue 12, items 4 and 7: the per-account limits hold whatever the spelling of the email, and an
// attacker's wrong guesses lock out only the attacker's address, up to a ceiling for the account.
jest.setTimeout(60_000);

let server: TestServer;

beforeAll(async () => {
  // The real limits; the requests name their client address as a proxy on this host would.
  server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' } });
});
afterAll(() => server.close());

const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;

async function signIn(email: string, password: string, from: string): Promise<string> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  });
  const body = (await response.json()) as { data?: { login: { token: string } }; errors?: { extensions: { code: string } }[] };
  return body.data?.login.token ? 'SIGNED_IN' : body.errors![0].extensions.code;
}

const account = (email: string) =>
  createUser(server, { email, name: 'Kim Visser', password: 'the right one', role: 'customer', tenant: 'Acme' });

describe('the per-account lock', () => {
  it('holds for every spelling the database takes for the account: kİm.visser@… is kim.visser@…', async () => {
    await account('kim.visser@acme.example');
    // The database finds the account for both spellings (JavaScript's toLowerCase would not: "i̇").
    const [{ same }] = await server.sql(`SELECT lower('kİm.visser@acme.example') = lower('kim.visser@acme.example') AS same`);
    expect(same).toBe(true);

    const attempts: string[] = [];
    for (let i = 0; i < 6; i++) attempts.push(await signIn('kim.visser@acme.example', `guess ${i}`, '203.0.113.10'));
    expect(attempts).toEqual(Array(6).fill('UNAUTHENTICATED'));
    expect(await signIn('kim.visser@acme.example', 'the right one', '203.0.113.10')).toBe('RATE_LIMITED');
    expect(await signIn('kİm.visser@acme.example', 'the right one', '203.0.113.10')).toBe('RATE_LIMITED');
    expect(await signIn('  KIM.Visser@ACME.example ', 'the right one', '203.0.113.10')).toBe('RATE_LIMITED');
    // …and the other spelling's failures count for the same account too.
    await account('ilse.de.vries@acme.example');
    for (let i = 0; i < 6; i++)
      await signIn(i % 2 ? 'İlse.de.vries@acme.example' : 'ilse.de.vries@acme.example', `guess ${i}`, '203.0.113.11');
    expect(await signIn('ilse.de.vries@acme.example', 'the right one', '203.0.113.11')).toBe('RATE_LIMITED');
  });
});

describe('lockout as a weapon', () => {
  it("locks the attacker's address out of the account, not the real user's", async () => {
    await account('admin.victim@lex.example');
    for (let i = 0; i < 6; i++) await signIn('admin.victim@lex.example', `guess ${i}`, '203.0.113.66');
    expect(await signIn('admin.victim@lex.example', 'the right one', '203.0.113.66')).toBe('RATE_LIMITED');
    // The real user, from their own address, signs in.
    expect(await signIn('admin.victim@lex.example', 'the right one', '198.51.100.7')).toBe('SIGNED_IN');
    // …and the attacker's address stays locked.
    expect(await signIn('admin.victim@lex.example', 'the right one', '203.0.113.66')).toBe('RATE_LIMITED');
  });

  it('keeps a ceiling for the account against guesses spread over many addresses: 50 failures an hour', async () => {
    await account('spread.target@acme.example');
    const attempts: string[] = [];
    // Five guesses from each of ten addresses: no address reaches its own lock.
    for (let address = 0; address < 10; address++) {
      for (let i = 0; i < 5; i++)
        attempts.push(await signIn('spread.target@acme.example', `guess ${address}.${i}`, `192.0.2.${address + 1}`));
    }
    expect(attempts).toEqual(Array(50).fill('UNAUTHENTICATED'));
    expect(await signIn('spread.target@acme.example', 'the right one', '192.0.2.200')).toBe('RATE_LIMITED');
    expect(await signIn('spread.target@acme.example', 'guess', '192.0.2.201')).toBe('RATE_LIMITED');
  });
});
