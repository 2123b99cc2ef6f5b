import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../server/free-port';
import { signedInUser } from '../helpers/accounts';
import { buildServer } from '../helpers/build';
import { MailCatcher, settleFor, startMailCatcher } from '../helpers/mail';
import { TestServer, startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

// The outbox's promise: a committed change is emailed even when its process dies right after the
// commit, by another instance.
let catcher: MailCatcher;
let server: TestServer;
let child: ChildProcess | undefined;

beforeAll(async () => {
  buildServer();
  catcher = await startMailCatcher();
  server = await startTestServer(); // no worker: it only holds the database
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await server.close();
  await catcher.close();
});

async function startChild(port: number): Promise<ChildProcess> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(port),
    DATABASE_URL: server.databaseUrl,
    SMTP_URL: catcher.url,
    NOTIFY_DELAY_S: '1',
    MAIL_FROM: 'support@lex.example',
  };
  const started = spawn(process.execPath, ['dist/server/main.js'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    started.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Lex Support is serving') && resolve());
    started.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return started;
}

test('a team answer whose process is killed right after the commit is emailed by another instance, once', async () => {
  const customer = await signedInUser(server, 'customer');
  const admin = await signedInUser(server, 'superadmin');
  const ticket = await api(server).createTicket(customer.token);
  const port = await freePort();
  child = await startChild(port);
  const viaChild = api({ ...server, url: `http://127.0.0.1:${port}/graphql` });
  await viaChild.reply(admin.token, ticket.id, 'Answered by the instance that dies');
  child.kill('SIGKILL'); // committed; its email is due in a second
  await new Promise((resolve) => child!.once('exit', resolve));
  child = undefined;
  await settleFor(1500);
  expect(catcher.received.filter((r) => r.to.includes(customer.email))).toHaveLength(0);

  const survivor = await startTestServer({
    jobs: true,
    databaseUrl: server.databaseUrl,
    env: { SMTP_URL: catcher.url, MAIL_FROM: 'support@lex.example' },
  });
  try {
    await catcher.waitFor(1);
    await settleFor(1000);
    const toCustomer = catcher.received.filter((r) => r.to.includes(customer.email));
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0].mail.text).toContain('Answered by the instance that dies');
  } finally {
    await survivor.close();
  }
}, 120_000);
