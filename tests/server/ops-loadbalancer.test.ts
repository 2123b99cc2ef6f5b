/**
 * deploy/nginx.conf for real, without Docker: nginx runs in front of two instances that share one
 * database and Redis, with the compose names app1/app2 resolving (in a mount namespace of its own)
 * to loopback addresses where the instances' port leads to each of them. HTTP requests are spread over both,
 * carry nginx's X-Request-Id, and a graphql-ws subscription works through the WebSocket upgrade.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../server/logger';
import { freePort } from '../../server/free-port';
import { signedInUser } from '../helpers/accounts';
import { graphql, ok, subscribe, wsClient } from '../helpers/graphql';
import { briefOps, subscriptions } from '../helpers/operations';
import { startTestServer, TestServer } from '../helpers/server';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const say = (line: string) => process.stdout.write(`[ops-loadbalancer] ${line}\n`);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--mount', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Forwards host:4000 to an instance on its test port (the container port in compose). */
function forward(host: string, port: number, target: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function capture() {
  const raw: string[] = [];
  return {
    log: createLogger('debug', { write: (chunk: string) => void raw.push(chunk) }),
    requests: () =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((line) => line.msg === 'request'),
  };
}

const reason = !NGINX
  ? 'nginx is not installed (tests/server/ops-deploy.test.ts installs it)'
  : !canUnshare()
    ? 'no mount namespaces here (unshare --mount)'
    : undefined;
if (reason) say(`SKIPPED: ${reason}`);

(reason ? describe.skip : describe)('nginx in front of two instances (deploy/nginx.conf)', () => {
  const logs = [capture(), capture()];
  let one: TestServer;
  let two: TestServer;
  let forwards: Server[] = [];
  let nginx: ChildProcess | undefined;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    const lbPort = await freePort();
    base = `http://127.0.0.1:${lbPort}`;
    const env = { PUBLIC_ORIGIN: base };
    one = await startTestServer({ redis: true, env, log: logs[0].log });
    two = await startTestServer({ redis: true, env, databaseUrl: one.databaseUrl, log: logs[1].log });
    const port = (s: TestServer) => Number(new URL(s.origin).port);
    // The instances' port (4000 in compose) is a free one here, so that a server on :4000 is no obstacle.
    const appPort = await freePort();
    forwards = [await forward('127.0.0.2', appPort, port(one)), await forward('127.0.0.3', appPort, port(two))];

    // The real configuration; only its ports and where it keeps its pid and temporary files change.
    dir = mkdtempSync(path.join(tmpdir(), 'lex-lb-'));
    const conf = readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8')
      .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${lbPort};`)
      .replace(/server (app1|app2):4000 /g, `server $1:${appPort} `)
      .replaceAll('/tmp/', `${dir}/`);
    expect(conf).toMatch(new RegExp(`listen 127\\.0\\.0\\.1:${lbPort};`));
    expect(conf.match(new RegExp(`server app[12]:${appPort} `, 'g'))).toHaveLength(2);
    writeFileSync(path.join(dir, 'nginx.conf'), conf);
    writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.2 app1\n127.0.0.3 app2\n');
    const out = openSync(path.join(dir, 'nginx.out'), 'w');
    nginx = spawn(
      'unshare',
      [
        '--mount',
        'sh',
        '-c',
        `mount --bind "${dir}/hosts" /etc/hosts && exec "${NGINX}" -p "${dir}" -c "${dir}/nginx.conf" -g 'daemon off;'`,
      ],
      { stdio: ['ignore', out, out] },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await fetch(`${base}/lb-health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || nginx.exitCode !== null) {
        throw new Error(`nginx did not start:\n${readFileSync(path.join(dir, 'nginx.out'), 'utf8')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    for (const server of forwards) await new Promise((resolve) => server.close(resolve));
    await two?.close();
    await one?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const lb = () => ({ url: `${base}/graphql`, wsUrl: `${base.replace('http', 'ws')}/graphql` });

  it('spreads requests over both instances, each with the X-Request-Id nginx made', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    // nginx's $request_id: 32 hex digits, passed on and echoed back by the instance
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    await ok(lb(), '{ me { id } }');
    await ok(lb(), '{ me { id } }');
    const seen = logs.map((l) => l.requests().length);
    if (!seen[0] || !seen[1]) say(readFileSync(path.join(dir, 'nginx.out'), 'utf8'));
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBeGreaterThan(0);
    const logged = [...logs[0].requests(), ...logs[1].requests()].map((line) => line.reqId);
    expect(logged).toEqual(expect.arrayContaining(ids));
  });

  it('carries a graphql-ws subscription through the WebSocket upgrade; events from either instance arrive', async () => {
    const customer = await signedInUser(one, 'customer');
    const admin = await signedInUser(one, 'superadmin');
    const client = wsClient(lb(), customer.token, { origin: base });
    const badge = subscribe(client, subscriptions.supportBadge);
    try {
      await badge.waitFor(1);
      expect(badge.events[0].data).toEqual({ supportBadge: 0 });
      const { createTicket } = await ok(
        lb(),
        briefOps.createTicket,
        { input: { subject: 'Through nginx', category: 'TECHNICAL', message: 'Hello' } },
        customer.token,
      );
      // Answered through each instance directly: the socket lives on one of them, Redis carries the rest.
      for (const [i, server] of [one, two].entries()) {
        await ok(
          server,
          briefOps.replyToTicket,
          {
            input: { ticketId: createTicket.id, message: `Answer ${i + 1}` },
          },
          admin.token,
        );
        await badge.waitFor(2 + i);
      }
      expect(badge.events.map((e) => e.data?.supportBadge)).toEqual([0, 1, 2]);
    } finally {
      badge.stop();
      await client.dispose();
    }
    expect((await graphql(lb(), '{ me { name } }', {}, customer.token)).data?.me?.name).toBe(customer.name);
  });
});
