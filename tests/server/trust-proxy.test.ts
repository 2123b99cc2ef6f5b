import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../server/config';
import { TestServer, startTestServer } from '../helpers/server';

// Issue 12, item 3: X-Forwarded-For names the client only when a proxy named by TRUST_PROXY sent it.
jest.setTimeout(60_000);

/** Opens `count` sockets at once, each claiming another address; the upgrade statuses. */
function upgrades(server: TestServer, count: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', {
            headers: { 'x-forwarded-for': `198.51.100.${i % 250}, 203.0.113.${i % 250}` },
          });
          socket.on('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0));
          socket.on('open', () => (socket.close(), resolve(101)));
          socket.on('error', () => resolve(0));
        }),
    ),
  );
}

describe('by default (TRUST_PROXY unset)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1' } });
  });
  afterAll(() => server.close());

  it('a client rotating X-Forwarded-For still meets the per-address limit: 60 upgrades a minute', async () => {
    const statuses = await upgrades(server, 80);
    expect(statuses.filter((status) => status === 101).length).toBe(60);
    expect(statuses.filter((status) => status === 429).length).toBe(20);
  });
});

describe('behind a proxy named by TRUST_PROXY', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: '127.0.0.1/8' } });
  });
  afterAll(() => server.close());

  it('counts each client by the address the proxy forwarded', async () => {
    const statuses = await upgrades(server, 80);
    expect(statuses.filter((status) => status === 101).length).toBe(80);
  });
});

describe('TRUST_PROXY', () => {
  const trustProxy = (value?: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;

  it('trusts nothing when unset, and takes a hop count or addresses, ranges and names', () => {
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('0')).toBe(false);
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('loopback, 172.28.0.10, 10.0.0.0/8, fd00::/8')).toEqual(['loopback', '172.28.0.10', '10.0.0.0/8', 'fd00::/8']);
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['yes', '10.0.0.0/33', 'nginx', 'loopback,,', '-1']) {
      expect(() => trustProxy(bad)).toThrow(ConfigError);
      expect(() => trustProxy(bad)).toThrow(/^TRUST_PROXY/);
    }
  });
});
