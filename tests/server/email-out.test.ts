import { signedInUser } from '../helpers/accounts';
import { errorCode, ok } from '../helpers/graphql';
import { MailCatcher, headerOf, settleFor, startMailCatcher } from '../helpers/mail';
import { TestServer, startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

// Notifications out, against a real SMTP server the test owns.
let catcher: MailCatcher;
const servers: TestServer[] = [];

const emailEnv = (extra: Record<string, string> = {}) => ({
  SMTP_URL: catcher.url,
  MAIL_FROM: 'Lex Support <support@lex.example>',
  INBOUND_DOMAIN: 'in.lex.example',
  NOTIFY_DELAY_S: '0',
  ...extra,
});

async function emailDesk(extra: Record<string, string> = {}) {
  const server = await startTestServer({ jobs: true, env: emailEnv(extra) });
  servers.push(server);
  const customer = await signedInUser(server, 'customer', 'Acme');
  const admin = await signedInUser(server, 'superadmin');
  return { server, desk: api(server), customer, admin };
}

beforeEach(async () => (catcher = await startMailCatcher()));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await catcher.close();
});

const mailsTo = (address: string) => catcher.received.filter((r) => r.to.includes(address));

test('a new ticket emails the team; the team answer emails the customer once, threaded, with a reply address and one-click unsubscribe', async () => {
  const { server, desk, customer, admin } = await emailDesk();
  const ticket = await desk.createTicket(customer.token, {
    subject: 'Export <broken>',
    message: 'The export button does nothing.\n<script>alert(1)</script>',
  });
  const [toTeam] = await catcher.waitFor(1);
  expect(toTeam.to).toEqual([admin.email]);
  expect(toTeam.mail.subject).toBe(`[#${ticket.ticketNumber}] Export <broken>`);
  expect(toTeam.mail.text).toContain('The export button does nothing.');
  expect(toTeam.mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(toTeam.mail.html).not.toMatch(/<script|<img|<link|src=/i);
  expect(toTeam.mail.text).toContain(`${server.origin}/admin/support/${ticket.id}`);

  await desk.reply(admin.token, ticket.id, 'Fixed, please try again.');
  await catcher.waitFor(2);
  await settleFor(500);
  const [answer, ...more] = mailsTo(customer.email);
  expect(more).toHaveLength(0);
  const { mail } = answer;
  expect(mail.from?.value[0].address).toBe('support@lex.example');
  expect(mail.subject).toBe(`[#${ticket.ticketNumber}] Export <broken>`);
  expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@in\.lex\.example>$/);
  expect(mail.inReplyTo).toBe(`<ticket-${ticket.id}@in.lex.example>`);
  expect(mail.references).toBe(`<ticket-${ticket.id}@in.lex.example>`);
  expect(mail.replyTo?.value[0].address).toMatch(/^reply\+[0-9a-f]{32}@in\.lex\.example$/);
  expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
  expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  expect(headerOf(mail, 'List-Unsubscribe')).toMatch(new RegExp(`^<${server.origin}/email/unsubscribe/[0-9a-f]{32}>$`));
  expect(mail.text).toContain('Fixed, please try again.');
  expect(mail.text).toContain('The export button does nothing.'); // the earlier message
  expect(mail.text).toContain(`${server.origin}/support/${ticket.id}`);
  expect(mail.html).toContain('Fixed, please try again.');
  // The token is stored only as a hash.
  const token = mail.replyTo!.value[0].address!.slice(6, 38);
  expect(JSON.stringify(await server.sql(`SELECT * FROM email_tokens`))).not.toContain(token);
});

test('an answer the customer reads within the grace window is not emailed', async () => {
  const { desk, customer, admin } = await emailDesk({ NOTIFY_DELAY_S: '1.5' });
  const ticket = await desk.createTicket(customer.token);
  await catcher.waitFor(1);
  await desk.reply(admin.token, ticket.id, 'Seen in time');
  await desk.markRead(customer.token, ticket.id);
  await settleFor(3000);
  expect(mailsTo(customer.email)).toHaveLength(0);
});

test('answers within the grace window are coalesced into one email', async () => {
  const { desk, customer, admin } = await emailDesk({ NOTIFY_DELAY_S: '1.5' });
  const ticket = await desk.createTicket(customer.token);
  await catcher.waitFor(1);
  await desk.reply(admin.token, ticket.id, 'First part');
  await desk.reply(admin.token, ticket.id, 'Second part');
  await desk.reply(admin.token, ticket.id, 'Third part');
  await catcher.waitFor(2);
  await settleFor(2500);
  const answers = mailsTo(customer.email);
  expect(answers).toHaveLength(1);
  for (const part of ['First part', 'Second part', 'Third part']) expect(answers[0].mail.text).toContain(part);
  expect(answers[0].mail.text).toContain('3 new messages');
});

test('a customer reply emails the team; closing by the team emails the customer; closing by the customer does not', async () => {
  const { desk, customer, admin } = await emailDesk();
  const first = await desk.createTicket(customer.token);
  await desk.reply(customer.token, first.id, 'More details: it fails on Tuesdays');
  await catcher.waitFor(2);
  expect(
    mailsTo(admin.email)
      .map((r) => r.mail.text)
      .join(),
  ).toContain('More details: it fails on Tuesdays');
  await desk.close(admin.token, first.id);
  await catcher.waitFor(3);
  expect(mailsTo(customer.email)[0].mail.text).toContain('closed this ticket');
  const second = await desk.createTicket(customer.token);
  await catcher.waitFor(4);
  await desk.close(customer.token, second.id);
  await settleFor(1000);
  expect(mailsTo(customer.email)).toHaveLength(1);
});

test('the one-click unsubscribe turns emails off without signing in; GET only asks', async () => {
  const { server, desk, customer, admin } = await emailDesk();
  const ticket = await desk.createTicket(customer.token);
  await desk.reply(admin.token, ticket.id, 'An answer');
  await catcher.waitFor(2);
  const url = headerOf(mailsTo(customer.email)[0].mail, 'List-Unsubscribe')!.slice(1, -1);
  const page = await fetch(url);
  expect(await page.text()).toContain('<form method="post">');
  expect((await server.sql(`SELECT email_notifications FROM users WHERE id = $1`, [customer.id]))[0].email_notifications).toBe(true);
  // What a mail client's unsubscribe button sends (RFC 8058).
  const done = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(done.status).toBe(200);
  expect((await server.sql(`SELECT email_notifications FROM users WHERE id = $1`, [customer.id]))[0].email_notifications).toBe(false);
  await desk.reply(admin.token, ticket.id, 'Another answer');
  await settleFor(1500);
  expect(mailsTo(customer.email)).toHaveLength(1);
  expect((await fetch(url.replace(/[0-9a-f]{32}$/, '0'.repeat(32)), { method: 'POST' })).status).toBe(404);
});

test('two instances with workers send each email once', async () => {
  const first = await emailDesk();
  const second = await startTestServer({ jobs: true, databaseUrl: first.server.databaseUrl, env: emailEnv() });
  servers.push(second);
  const tickets = await Promise.all(
    Array.from({ length: 20 }, (_, i) => first.desk.createTicket(first.customer.token, { subject: `Ticket ${i}` })),
  );
  await Promise.all(tickets.map((ticket, i) => api(i % 2 ? second : first.server).reply(first.admin.token, ticket.id, `Answer ${i}`)));
  await catcher.waitFor(40);
  await settleFor(1500);
  expect(catcher.received).toHaveLength(40);
  expect(new Set(catcher.received.map((r) => r.mail.messageId)).size).toBe(40);
});

test('a job that runs again (a retry after a crash past the send) sends nothing twice', async () => {
  const { server, desk, customer, admin } = await emailDesk();
  const ticket = await desk.createTicket(customer.token);
  await catcher.waitFor(1);
  const [reply] = await server.sql(`SELECT id FROM support_replies WHERE ticket_id = $1`, [ticket.id]);
  // The same job once more, as graphile-worker would run it after losing the first run's result.
  await server.sql(`SELECT graphile_worker.add_job('email.team', $1::json)`, [
    JSON.stringify({ ticketId: ticket.id, replyId: reply.id, event: 'new-ticket' }),
  ]);
  await settleFor(1500);
  expect(await server.sql(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier LIKE 'email.%'`)).toEqual([{ n: 0 }]);
  expect(mailsTo(admin.email)).toHaveLength(1);
});

test("setNotificationPreferences turns the viewer's emails off and on; it needs a signed-in user", async () => {
  const { server, desk, customer, admin } = await emailDesk();
  const set = `mutation ($email: Boolean!) { setNotificationPreferences(email: $email) { id emailNotifications } }`;
  expect(await ok(server, set, { email: false }, customer.token)).toEqual({
    setNotificationPreferences: { id: customer.id, emailNotifications: false },
  });
  expect(await ok(server, `{ me { emailNotifications } }`, {}, customer.token)).toEqual({ me: { emailNotifications: false } });
  const ticket = await desk.createTicket(customer.token);
  await catcher.waitFor(1);
  await desk.reply(admin.token, ticket.id, 'Not emailed');
  await settleFor(1000);
  expect(mailsTo(customer.email)).toHaveLength(0);
  await ok(server, set, { email: true }, customer.token);
  await desk.reply(admin.token, ticket.id, 'Emailed');
  await catcher.waitFor(2);
  expect(mailsTo(customer.email)).toHaveLength(1);
  expect(await errorCode(server, set, { email: false })).toBe('UNAUTHENTICATED');
  expect(await errorCode(server, set, { email: 'no' }, customer.token)).toBe('BAD_USER_INPUT');
});
