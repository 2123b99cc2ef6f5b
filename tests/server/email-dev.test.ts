import { createLogger } from '../../server/logger';
import { signedInUser } from '../helpers/accounts';
import { settleFor } from '../helpers/mail';
import { startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

// Without SMTP_URL: development keeps every email for /dev/mailbox; production sends nothing and says so once.

test('development keeps the emails in the outbox and shows them at /dev/mailbox, the HTML sandboxed', async () => {
  const server = await startTestServer({ jobs: true, env: { NOTIFY_DELAY_S: '0' } });
  try {
    const customer = await signedInUser(server, 'customer');
    await signedInUser(server, 'superadmin');
    const ticket = await api(server).createTicket(customer.token, { subject: 'Where is <my> invoice?' });
    for (let i = 0; i < 100 && !(await server.sql(`SELECT 1 FROM sent_emails`)).length; i++) await settleFor(100);
    const list = await (await fetch(`${server.origin}/dev/mailbox`)).text();
    expect(list).toContain(`[#${ticket.ticketNumber}] Where is &lt;my&gt; invoice?`);
    const link = /href="(\/dev\/mailbox\/[^"]+)"/.exec(list)![1];
    const detail = await (await fetch(`${server.origin}${link}`)).text();
    expect(detail).toContain('The export button does nothing.');
    expect(detail).toContain(`<iframe sandbox src="${link}/html"`);
    const html = await fetch(`${server.origin}${link}/html`);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(await html.text()).toContain('The export button does nothing.');
    expect((await server.sql(`SELECT delivered FROM sent_emails`))[0].delivered).toBe(false);
  } finally {
    await server.close();
  }
});

test('production without SMTP_URL warns once at start, sends and keeps nothing, and has no mailbox', async () => {
  const lines: any[] = [];
  const log = createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) });
  const server = await startTestServer({
    jobs: true,
    log,
    env: { NODE_ENV: 'production', NOTIFY_DELAY_S: '0', CLIENT_DIR: '/nonexistent' },
  });
  try {
    const customer = await signedInUser(server, 'customer');
    await signedInUser(server, 'superadmin');
    await api(server).createTicket(customer.token);
    await settleFor(1500);
    expect(lines.filter((line) => /email is off/.test(line.msg))).toHaveLength(1);
    expect(await server.sql(`SELECT * FROM sent_emails`)).toEqual([]);
    // The ticket's email job ran (and sent nothing); only its first-response job waits for its due time.
    expect(await server.sql(`SELECT task_identifier FROM graphile_worker.jobs`)).toEqual([{ task_identifier: 'sla.overdue' }]);
    expect((await fetch(`${server.origin}/dev/mailbox`)).status).toBe(404);
  } finally {
    await server.close();
  }
});
