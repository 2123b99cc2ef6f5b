/**
 * The log: one JSON line per HTTP request (request id accepted or made and echoed back, method,
 * path, status, duration), a line per WebSocket operation with an id and its name, the level from
 * LOG_LEVEL, and never a password, session token or cookie, not even for a failed login.
 */
import { createUser } from '../helpers/accounts';
import { subscribe, wsClient } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';
import { createLogger } from '../../server/logger';

jest.setTimeout(30_000);

type Line = Record<string, any>;

function capture() {
  const raw: string[] = [];
  const destination = { write: (chunk: string) => void raw.push(chunk) };
  return {
    raw,
    destination,
    lines: (): Line[] =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

const LOGIN = 'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { token user { name } } }';

async function post(server: TestServer, body: object, headers: Record<string, string> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { response, json: (await response.json()) as any };
}

describe('request and operation logs', () => {
  const log = capture();
  let server: TestServer;
  const person = {
    email: 'lena@acme.example',
    name: 'Lena Log',
    password: 'correct-horse-battery-9',
    role: 'customer' as const,
    tenant: 'Acme',
  };
  const wrongPassword = 'wrong-horse-battery-7';
  const secrets: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ log: createLogger('info', log.destination) });
    await createUser(server, person);
  });
  afterAll(() => server?.close());

  it('a login and a failed login, a cookie and a Bearer token: no secret in any line', async () => {
    const ok = await post(
      server,
      { query: LOGIN, operationName: 'SignIn', variables: { email: person.email, password: person.password } },
      { 'x-request-id': 'test-login-1' },
    );
    expect(ok.response.headers.get('x-request-id')).toBe('test-login-1');
    const token: string = ok.json.data.login.token;
    const setCookie = ok.response.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0];
    expect(cookie).toMatch(/^lex_session=./);
    secrets.push(person.password, token, cookie.split('=')[1]);

    const failed = await post(server, {
      query: LOGIN,
      operationName: 'SignIn',
      variables: { email: person.email, password: wrongPassword },
    });
    expect(failed.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    secrets.push(wrongPassword);

    // the session used both ways, then ended
    const viaCookie = await post(server, { query: '{ me { name } }' }, { cookie });
    expect(viaCookie.json.data.me.name).toBe('Lena Log');
    const viaBearer = await post(server, { query: '{ me { name } }' }, { authorization: `Bearer ${token}` });
    expect(viaBearer.json.data.me.name).toBe('Lena Log');
    // a malformed GraphQL body carrying the password must not echo it into the log either
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: `{"query": "${person.password}`,
    });
    await post(server, { query: 'mutation Out { logout }', operationName: 'Out' }, { authorization: `Bearer ${token}` });

    const text = log.raw.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/bearer|lex_session|set-cookie|"password"|authorization/i);
  });

  it('one line per HTTP request: id, method, path, status, duration and operation name', () => {
    const requests = log.lines().filter((line) => line.msg === 'request');
    expect(requests.length).toBe(6);
    const first = requests[0];
    expect(first).toEqual({
      level: 30,
      time: expect.any(Number),
      msg: 'request',
      reqId: 'test-login-1',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      operation: 'SignIn',
    });
    for (const line of requests) {
      expect(line.reqId).toEqual(expect.any(String));
      expect(line.method).toBe('POST');
      expect(line.path).toBe('/graphql');
      expect(line.status).toEqual(expect.any(Number));
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
    }
    // made ids are UUIDs, and each request has its own
    expect(requests[1].reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(requests.map((line) => line.reqId)).size).toBe(requests.length);
    expect(requests.map((line) => line.status)).toEqual([200, 200, 200, 200, 400, 200]);
  });

  it('makes its own id when the incoming one is not an id, and never logs the query string', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent(`{ me { name } } # ${person.password}`)}`, {
      headers: { 'x-request-id': 'bad id {"level":60}', 'apollo-require-preflight': 'true' },
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = log.lines().find((l) => l.reqId === id)!;
    expect(line).toMatchObject({ method: 'GET', path: '/graphql', status: 200 });
    expect(log.raw.join('')).not.toContain(person.password);
  });

  it('a line when a WebSocket operation starts and ends, with an id and the operation name', async () => {
    const ok = await post(server, { query: LOGIN, variables: { email: person.email, password: person.password } });
    const token = ok.json.data.login.token;
    const client = wsClient(server, token);
    const badge = subscribe(client, 'subscription BadgeWatch { supportBadge }');
    await badge.waitFor(1);
    badge.stop();
    const anonymous = subscribe(client, 'subscription { supportBadge }');
    await anonymous.waitFor(1);
    anonymous.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.dispose();

    const ws = log.lines().filter((line) => line.ws);
    const started = ws.filter((line) => line.msg === 'ws operation');
    expect(started).toEqual([
      expect.objectContaining({
        level: 30,
        reqId: expect.stringMatching(/^[0-9a-f-]{36}\/.+$/),
        operation: 'BadgeWatch',
        type: 'subscription',
      }),
      expect.objectContaining({ operation: 'supportBadge', type: 'subscription' }),
    ]);
    expect(started[0].reqId).not.toBe(started[1].reqId);
    const completed = ws.filter((line) => line.msg === 'ws operation complete');
    expect(completed.map((line) => line.reqId)).toEqual(started.map((line) => line.reqId));
    expect(completed[0].durationMs).toEqual(expect.any(Number));
    expect(log.raw.join('')).not.toContain(token);
  });
});

describe('log level', () => {
  const previous = process.env.LOG_LEVEL;
  afterEach(() => {
    if (previous === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previous;
  });

  it('comes from LOG_LEVEL: at warn, no request lines', async () => {
    process.env.LOG_LEVEL = 'warn';
    const log = capture();
    const server = await startTestServer({ log: createLogger(undefined, log.destination) });
    try {
      await post(server, { query: '{ me { id } }' });
      expect(log.lines().filter((line) => line.msg === 'request')).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a LOG_LEVEL that is no level stops start-up with a message naming it', () => {
    expect(() => createLogger('verbose')).toThrow('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"');
  });

  it('probes are logged at debug level only', async () => {
    const log = capture();
    const server = await startTestServer({ log: createLogger('debug', log.destination) });
    try {
      await fetch(`${server.origin}/healthz`);
      await fetch(`${server.origin}/readyz`);
      const probes = log.lines().filter((line) => line.msg === 'request');
      expect(probes.map((line) => [line.level, line.path, line.status])).toEqual([
        [20, '/healthz', 200],
        [20, '/readyz', 200],
      ]);
    } finally {
      await server.close();
    }
  });
});
