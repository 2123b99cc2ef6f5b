import WebSocket from 'ws';
import { SignedIn, createUser, signedInUser } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { TestServer, startTestServer } from '../helpers/server';
import { api, ops } from '../helpers/support-api';
import { RateLimits } from '../../server/security/rate-limits';

// Issue 6, written as attacks on a server with the real limits (RATE_LIMIT_SCALE=1).
jest.setTimeout(30_000);

let server: TestServer;
let desk: ReturnType<typeof api>;
let customer: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  // As behind a proxy on this host: the tests give themselves addresses of their own with X-Forwarded-For.
  server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' } });
  desk = api(server);
  customer = await signedInUser(server, 'customer', 'Acme');
  admin = await signedInUser(server, 'superadmin');
});
afterAll(() => server.close());

const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const post = (body: string, headers: Record<string, string>) => fetch(server.url, { method: 'POST', headers, body });
const ticketCount = async () => (await server.sql('SELECT count(*)::int AS n FROM support_tickets'))[0].n;

describe('sign-in brute force', () => {
  it('locks an account after five failures, with growing delays, even for the right password', async () => {
    await createUser(server, { email: 'victim@acme.example', name: 'Victim', password: 'the right one', role: 'customer', tenant: 'Acme' });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await graphql(server, LOGIN, { e: 'victim@acme.example', p: `guess ${i}` });
      codes.push(result.errors![0].extensions!.code);
    }
    expect(codes).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RATE_LIMITED',
    ]);

    const response = await post(JSON.stringify({ query: LOGIN, variables: { e: 'VICTIM@acme.example', p: 'the right one' } }), {
      'content-type': 'application/json',
    });
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(body.errors[0].extensions.retryAfter).toBeGreaterThanOrEqual(50);
    expect(Number(response.headers.get('retry-after'))).toBe(body.errors[0].extensions.retryAfter);
  });

  it('gives aliased logins in one request no advantage: every one is counted', async () => {
    await createUser(server, { email: 'alias@acme.example', name: 'Alias', password: 'the right one', role: 'customer', tenant: 'Acme' });
    // Wrong guesses: mutations run one after another and the first failure ends the request.
    const guesses = Array.from({ length: 14 }, (_, i) => `a${i}: login(email: "alias@acme.example", password: "guess ${i}") { token }`);
    const guessed = await graphql(server, `mutation { ${guesses.join(' ')} }`);
    expect(guessed.errors!.map((e) => e.extensions!.code)).toEqual(['UNAUTHENTICATED']);
    // Right ones: each of them counts against the address, until the address is refused.
    const logins = Array.from({ length: 14 }, (_, i) => `a${i}: login(email: "alias@acme.example", password: "the right one") { token }`);
    const codes: unknown[] = [];
    for (let request = 0; request < 8 && !codes.includes('RATE_LIMITED'); request++) {
      // From an address of its own (the test talks through loopback, a trusted proxy), so that other tests can still sign in.
      const response = await post(JSON.stringify({ query: `mutation { ${logins.join(' ')} }` }), {
        'content-type': 'application/json',
        'x-forwarded-for': '203.0.113.7',
      });
      const result = (await response.json()) as { errors?: { extensions: { code: string } }[] };
      codes.push(...(result.errors ?? []).map((e) => e.extensions.code));
    }
    expect(codes).toEqual(['RATE_LIMITED']);
    const [{ n }] = await server.sql(
      `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'alias@acme.example'`,
    );
    // 100 sign-ins per address per 15 minutes: exactly that many got through, alias by alias.
    expect(n).toBe(100);
  });

  it('starts the count afresh after a successful sign-in', async () => {
    await createUser(server, { email: 'typo@acme.example', name: 'Typo', password: 'the right one', role: 'customer', tenant: 'Acme' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await graphql(server, LOGIN, { e: 'typo@acme.example', p: 'oops' });
      expect((await graphql(server, LOGIN, { e: 'typo@acme.example', p: 'the right one' })).data?.login.token).toBeTruthy();
    }
  });
});

describe('GraphQL abuse', () => {
  it('refuses a depth bomb before running it, and says why', async () => {
    let selection = 'id';
    for (let i = 0; i < 12; i++) selection = `ticket { replies { ${selection} } }`;
    const result = await graphql(
      server,
      `{ supportTicket(id: "00000000-0000-4000-8000-000000000000") { replies { ${selection} } } }`,
      {},
      admin.token,
    );
    expect(result.errors![0].message).toMatch(/depth/i);
    expect(result.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses an alias flood', async () => {
    const fields = Array.from({ length: 50 }, (_, i) => `m${i}: me { id }`).join(' ');
    const result = await graphql(server, `{ ${fields} }`, {}, customer.token);
    expect(result.errors![0].message).toMatch(/aliases/i);
  });

  it('refuses a huge document at parse time', async () => {
    const started = Date.now();
    const result = await graphql(server, `{ ${Array.from({ length: 3000 }, () => '__typename').join(' ')} }`);
    expect(result.errors![0].message).toMatch(/more tha\w? 1000 tokens/i);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses HTTP batches', async () => {
    const response = await post(JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
  });

  it('gives no "Did you mean" hints about the schema', async () => {
    const result = await graphql(server, '{ supportTicket(id: "x") { subjec } }', {}, customer.token);
    expect(result.errors![0].message).not.toMatch(/did you mean/i);
  });
});

describe('cross-site requests', () => {
  const mutation = `mutation { createTicket(input: { subject: "CSRF", category: OTHER, message: "forged" }) { id } }`;
  const cookie = () => `lex_session=${customer.token}`;

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
    ['a text/plain post', 'text/plain', JSON.stringify({ query: mutation })],
    [
      'a multipart post',
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${mutation}\r\n--x--`,
    ],
  ])('refuses %s carrying the session cookie and changes nothing', async (_name, type, body) => {
    const before = await ticketCount();
    const response = await post(body, { 'content-type': type, cookie: cookie(), origin: 'https://evil.example' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await ticketCount()).toBe(before);
  });

  it('refuses a mutation over GET', async () => {
    const before = await ticketCount();
    const response = await fetch(`${server.url}?query=${encodeURIComponent(mutation)}`, {
      headers: { cookie: cookie(), 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
    expect(await ticketCount()).toBe(before);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(server.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight(server.origin)).headers.get('access-control-allow-origin')).toBe(server.origin);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('sockets', () => {
  it('closes a socket that never sends connection_init', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const closed = await new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    expect(closed).toBe(4408);
  });

  it('limits upgrades per address', async () => {
    const results = await Promise.all(
      Array.from(
        { length: 70 },
        () =>
          new Promise<number>((resolve) => {
            const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
            socket.on('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0));
            socket.on('open', () => (socket.close(), resolve(101)));
            socket.on('error', () => resolve(0));
          }),
      ),
    );
    expect(results.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(results.filter((status) => status === 101).length).toBeLessThanOrEqual(60);
  });
});

describe('writes per customer', () => {
  it('limits new tickets per customer and says when to retry', async () => {
    const busy = await signedInUser(server, 'customer', 'Acme');
    const results = await Promise.all(
      Array.from({ length: 22 }, (_, i) =>
        graphql(server, ops.createTicket, { input: { subject: `T${i}`, category: 'OTHER', message: 'm' } }, busy.token),
      ),
    );
    const limited = results.filter((r) => r.errors?.[0].extensions?.code === 'RATE_LIMITED');
    expect(results.filter((r) => r.data?.createTicket)).toHaveLength(20);
    expect(limited).toHaveLength(2);
    expect(limited[0].errors![0].extensions!.retryAfter).toBeGreaterThan(0);
    // Another customer is not held back by it.
    expect((await desk.createTicket(customer.token)).id).toBeTruthy();
  });

  it('lets the Lex team send 130 replies in a minute', async () => {
    const ticket = await desk.createTicket(customer.token);
    for (let i = 0; i < 130; i++) await desk.reply(admin.token, ticket.id, `answer ${i}`);
    expect((await server.sql('SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1', [ticket.id]))[0].n).toBe(131);
  });
});

describe('headers', () => {
  it('sends a Content-Security-Policy without inline scripts, no framing, nosniff; no HSTS outside production', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ me { id } }"}',
    });
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('sessions behind HTTPS', () => {
  it('use a Secure, __Host- prefixed cookie bound to the host', async () => {
    const https = await startTestServer({ env: { PUBLIC_ORIGIN: 'https://support.lex.example', RATE_LIMIT_SCALE: '1' } });
    try {
      const user = await createUser(https, {
        email: 'tls@acme.example',
        name: 'TLS',
        password: 'the right one',
        role: 'customer',
        tenant: 'Acme',
      });
      const response = await fetch(https.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: LOGIN, variables: { e: user.email, p: 'the right one' } }),
      });
      const cookie = response.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^__Host-lex_session=[\w-]+; /);
      expect(cookie).toMatch(/; Path=\/(;|$)/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await https.close();
    }
  });
});

describe('in production', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ env: { NODE_ENV: 'production', RATE_LIMIT_SCALE: '1' } });
  });
  afterAll(() => production.close());

  it('sends HSTS and refuses introspection to anonymous callers', async () => {
    const response = await fetch(production.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __schema { types { name } } }"}',
    });
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const body = (await response.json()) as any;
    expect(body.data?.__schema).toBeUndefined();
    expect(body.errors[0].message).not.toMatch(/stack|at .*\.js/);
  });
});

describe('when Redis is unreachable', () => {
  it('still counts sign-ins, from memory, without waiting for Redis', async () => {
    // Nothing listens on port 1: the limiter falls back to memory and the desk goes on.
    const limits = new RateLimits('redis://127.0.0.1:1', 1);
    try {
      const started = Date.now();
      for (let i = 0; i < 6; i++) {
        await limits.refuseLocked('account', '10.0.0.1');
        await limits.signInFailed('account', '10.0.0.1');
      }
      await expect(limits.refuseLocked('account', '10.0.0.1')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      limits.close();
    }
  });
});
