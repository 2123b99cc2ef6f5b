import { SMTPError } from 'nodemailer/lib/smtp-connection';
import { createLogger } from '../../server/logger';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { subscribe, wsClient } from '../helpers/graphql';
import { MailCatcher, ReceivedMail, sendMail, settleFor, startMailCatcher } from '../helpers/mail';
import { TestServer, startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

// Mail in: a real mail client (nodemailer) talks SMTP to the server's own SMTP port.
let catcher: MailCatcher;
let server: TestServer;
let customer: SignedIn;
let admin: SignedIn;
let desk: ReturnType<typeof api>;
const lines: any[] = [];

beforeAll(async () => {
  catcher = await startMailCatcher();
  const log = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  server = await startTestServer({
    jobs: true,
    log,
    env: {
      SMTP_URL: catcher.url,
      MAIL_FROM: 'Lex Support <support@lex.example>',
      INBOUND_DOMAIN: 'in.lex.example',
      NOTIFY_DELAY_S: '0',
      INBOUND_SMTP_PORT: '0',
    },
  });
  desk = api(server);
  customer = await signedInUser(server, 'customer', 'Acme');
  admin = await signedInUser(server, 'superadmin');
});
afterAll(async () => {
  await server.close();
  await catcher.close();
});

const port = () => server.app.email.inboundPort!;
const mailsTo = (address: string) => catcher.received.filter((r) => r.to.includes(address));
const lastLine = (pattern: RegExp) => [...lines].reverse().find((line) => pattern.test(line.msg));

/** A ticket the team answered, and the answer email the customer got. */
async function answeredTicket(): Promise<{ ticket: { id: string; ticketNumber: number }; answer: ReceivedMail }> {
  const ticket = await desk.createTicket(customer.token, { subject: `Export ${Math.random()}` });
  const before = mailsTo(customer.email).length;
  await desk.reply(admin.token, ticket.id, 'Fixed, please try again.');
  for (let i = 0; i < 200 && mailsTo(customer.email).length === before; i++) await settleFor(25);
  return { ticket, answer: mailsTo(customer.email).at(-1)! };
}

/** The customer's answer to `answer`, as their mail program writes it. */
const replyTo = (answer: ReceivedMail, text: string, overrides: Record<string, unknown> = {}) => ({
  from: `"${customer.name}" <${customer.email}>`,
  to: answer.mail.replyTo!.value[0].address!,
  subject: `Re: ${answer.mail.subject}`,
  inReplyTo: answer.mail.messageId,
  references: [answer.mail.references as string, answer.mail.messageId!],
  text,
  ...overrides,
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: SMTPError) => ({ code: error.responseCode, message: error.response }),
  );

test('the whole cycle: the answer by email appears live, stripped, as EMAIL, with the status and unread counts of a web reply', async () => {
  const { ticket, answer } = await answeredTicket();
  expect(mailsTo(customer.email).filter((r) => r.mail.subject === answer.mail.subject)).toHaveLength(1);
  const live = wsClient(server, admin.token);
  const added = subscribe(live, `subscription ($t: ID!) { replyAdded(ticketId: $t) { id message isAdmin via senderName } }`, {
    t: ticket.id,
  });
  await settleFor(300);
  const teamMailsBefore = mailsTo(admin.email).length;
  await sendMail(
    port(),
    replyTo(
      answer,
      `Thanks, that works now.\n\nOp ma 3 nov 2025 om 10:02 schreef Lex Support <support@lex.example>:\n\n> Fixed, please try again.\n`,
    ),
  );
  await added.waitFor(1);
  expect(added.events[0].data).toEqual({
    replyAdded: { id: expect.any(String), message: 'Thanks, that works now.', isAdmin: false, via: 'EMAIL', senderName: customer.name },
  });
  const seen = await desk.ticket(admin.token, ticket.id);
  expect(seen!.status).toBe('OPEN');
  expect(seen!.unreadCount).toBe(1);
  // And the team hears of it by email, as for a web reply.
  for (let i = 0; i < 200 && mailsTo(admin.email).length === teamMailsBefore; i++) await settleFor(25);
  expect(mailsTo(admin.email).at(-1)!.mail.text).toContain('Thanks, that works now.');
  await live.dispose();
});

test('the same mail delivered twice makes one reply', async () => {
  const { ticket, answer } = await answeredTicket();
  const mail = replyTo(answer, 'Only once, please', { messageId: `<once-${ticket.id}@mail.acme.example>` });
  await sendMail(port(), mail);
  await sendMail(port(), mail);
  expect(
    await server.sql(`SELECT message, via FROM support_replies WHERE ticket_id = $1 AND NOT is_admin ORDER BY created_at`, [ticket.id]),
  ).toEqual([
    { message: 'The export button does nothing.', via: 'web' },
    { message: 'Only once, please', via: 'email' },
  ]);
});

test("matching without a reply token: by In-Reply-To/References, then by [#number] from the ticket's customer", async () => {
  const { ticket, answer } = await answeredTicket();
  await sendMail(port(), replyTo(answer, 'By reference', { to: 'support@lex.example' }));
  await sendMail(port(), replyTo(answer, 'By number', { to: 'support@lex.example', inReplyTo: undefined, references: undefined }));
  const replies = await server.sql(`SELECT message FROM support_replies WHERE ticket_id = $1 AND via = 'email' ORDER BY created_at`, [
    ticket.id,
  ]);
  expect(replies.map((r) => r.message)).toEqual(['By reference', 'By number']);
});

test('a mail from a customer to the support address with no reference opens a ticket (Other)', async () => {
  await sendMail(port(), {
    from: customer.email,
    to: 'Lex Support <support@lex.example>',
    subject: 'Cannot find my payslips',
    text: 'Where are they?\n\nSent from my iPhone',
  });
  const [ticket] = await server.sql(`SELECT id, subject, category, user_id FROM support_tickets WHERE subject = 'Cannot find my payslips'`);
  expect(ticket).toMatchObject({ category: 'Other', user_id: customer.id });
  expect(await server.sql(`SELECT message, via FROM support_replies WHERE ticket_id = $1`, [ticket.id])).toEqual([
    { message: 'Where are they?', via: 'email' },
  ]);
  // Opened like any other ticket (docs/architecture.md §10): on its timeline, with a due first response.
  expect(await server.sql(`SELECT kind, actor_id FROM ticket_events WHERE ticket_id = $1`, [ticket.id])).toEqual([
    { kind: 'created', actor_id: customer.id },
  ]);
  expect(await server.sql(`SELECT first_response_due_at > created_at AS due FROM support_tickets WHERE id = $1`, [ticket.id])).toEqual([
    { due: true },
  ]);
});

test('unknown senders and recipients are refused with 550, oversized mail with 552', async () => {
  const { answer } = await answeredTicket();
  expect(
    await refusal(
      sendMail(
        port(),
        replyTo(answer, 'hi', {
          from: 'stranger@elsewhere.example',
          envelope: { from: 'stranger@elsewhere.example', to: [answer.mail.replyTo!.value[0].address!] },
        }),
      ),
    ),
  ).toMatchObject({ code: 550, message: expect.stringMatching(/Unknown sender/) });
  expect(await refusal(sendMail(port(), replyTo(answer, 'hi', { to: `reply+${'0'.repeat(32)}@in.lex.example` })))).toMatchObject({
    code: 550,
    message: expect.stringMatching(/No such recipient/),
  });
  expect(await refusal(sendMail(port(), replyTo(answer, 'hi', { to: 'someone@in.lex.example' })))).toMatchObject({ code: 550 });
  const big = 'x'.repeat(11 * 1024 * 1024);
  expect(await refusal(sendMail(port(), replyTo(answer, 'big', { attachments: [{ filename: 'big.txt', content: big }] })))).toMatchObject({
    code: 552,
  });
});

test('a forged From and a reply token of another ticket are refused; nothing is written', async () => {
  const { ticket, answer } = await answeredTicket();
  const other = await signedInUser(server, 'customer', 'Other Corp');
  const count = async () => (await server.sql(`SELECT count(*)::int AS n FROM support_replies`))[0].n;
  const before = await count();
  // Another user's address in From, sent to this customer's reply address.
  expect(await refusal(sendMail(port(), replyTo(answer, 'forged', { from: other.email })))).toMatchObject({
    code: 550,
    message: expect.stringMatching(/belongs to someone else/),
  });
  // The right customer, but the envelope claims someone else: the From header decides and the token does not match.
  const othersTicket = await desk.createTicket(other.token);
  expect(
    await refusal(
      sendMail(
        port(),
        replyTo(answer, 'not mine', {
          from: other.email,
          subject: `[#${othersTicket.ticketNumber}] x`,
          inReplyTo: undefined,
          references: undefined,
        }),
      ),
    ),
  ).toMatchObject({ code: 550 });
  // [#number] of a ticket that is not the sender's.
  expect(
    await refusal(
      sendMail(port(), { from: other.email, to: 'support@lex.example', subject: `Re: [#${ticket.ticketNumber}] hello`, text: 'let me in' }),
    ),
  ).toMatchObject({ code: 550, message: expect.stringMatching(/not the customer/) });
  expect(await count()).toBe(before + 1); // only other's own new ticket
});

test('auto-replies, bounces, loops and mails with only quoted text are dropped and logged', async () => {
  const { ticket, answer } = await answeredTicket();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ headers: { 'Auto-Submitted': 'auto-replied' } }, /Auto-Submitted/],
    [{ headers: { Precedence: 'bulk' } }, /Precedence/],
    [{ headers: { 'X-Autoreply': 'yes' } }, /automatic reply/],
    [{ envelope: { from: '', to: [answer.mail.replyTo!.value[0].address!] } }, /bounce/],
    [{ messageId: '<loop@in.lex.example>' }, /loop/],
    [{ text: 'On Mon, 3 Nov 2025 at 10:02, Lex Support wrote:\n> Fixed, please try again.' }, /quoted/],
  ];
  for (const [overrides, reason] of cases) {
    await sendMail(port(), replyTo(answer, 'I am out of office', overrides));
    expect(lastLine(/Inbound mail/)).toMatchObject({ outcome: 'dropped', reason: expect.stringMatching(reason) });
  }
  expect(await server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1 AND via = 'email'`, [ticket.id])).toEqual([
    { n: 0 },
  ]);
});

test('bad mail: malformed MIME, 8-bit headers and HTML with scripts get a clear outcome, stored as plain text, the server unharmed', async () => {
  const { ticket, answer } = await answeredTicket();
  const to = answer.mail.replyTo!.value[0].address!;
  const envelope = { from: customer.email, to: [to] };
  const head = (extra: string) =>
    `From: ${customer.email}\r\nTo: ${to}\r\nSubject: Re: ${answer.mail.subject}\r\nMessage-ID: <${Math.random()}@acme.example>\r\n${extra}`;
  // A multipart whose boundary never closes, and a part with broken base64.
  await sendMail(port(), {
    envelope,
    raw: head(
      `MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nStill readable\r\n--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n`,
    ),
  });
  // Raw UTF-8 in headers and body, undeclared.
  await sendMail(port(), { envelope, raw: Buffer.from(head(`X-Note: café\r\n\r\nDank je wel, één ding nog: privé\r\n`), 'utf8') });
  // HTML only, with a script and an event handler.
  await sendMail(port(), {
    envelope,
    raw: head(
      `MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick="steal()">Works <b>now</b></p><script>alert('x')</script>`,
    ),
  });
  const replies = await server.sql(`SELECT message FROM support_replies WHERE ticket_id = $1 AND via = 'email' ORDER BY created_at`, [
    ticket.id,
  ]);
  expect(replies.map((r) => r.message)).toEqual(['Still readable', 'Dank je wel, één ding nog: privé', 'Works now']);
  expect(lastLine(/Inbound mail/)).toMatchObject({ outcome: 'reply' });
  // Not SMTP at all, then a mail that is nothing but garbage: the server answers the next mail as before.
  expect(await refusal(sendMail(port(), { envelope, raw: '\u0000\u0001\r\n\r\n' }))).toMatchObject({ code: 550 });
  await sendMail(port(), replyTo(answer, 'Still here'));
  expect(
    (await server.sql(`SELECT message FROM support_replies WHERE ticket_id = $1 ORDER BY created_at DESC LIMIT 1`, [ticket.id]))[0].message,
  ).toBe('Still here');
});

test('fuzz: random mail from a customer to a reply address gets a reply or a clear refusal or drop, never a retry or a half-written reply', async () => {
  const fc = await import('fast-check');
  const { nastyShortString } = await import('../helpers/arbitraries');
  const { ticket, answer } = await answeredTicket();
  const to = answer.mail.replyTo!.value[0].address!;
  const count = async () => (await server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1`, [ticket.id]))[0].n;
  await fc.assert(
    fc.asyncProperty(
      nastyShortString(100),
      nastyShortString(400),
      fc.constantFrom('text/plain', 'text/html', 'multipart/mixed; boundary=x', 'message/rfc822', 'application/octet-stream'),
      async (subject, body, type) => {
        const before = await count();
        const raw = Buffer.from(
          `From: ${customer.email}\r\nTo: ${to}\r\nSubject: ${subject.replace(/[\r\n]/g, ' ')}\r\nContent-Type: ${type}\r\n\r\n${body}\r\n`,
          'utf8',
        );
        const outcome = await refusal(sendMail(port(), { envelope: { from: customer.email, to: [to] }, raw }));
        const added = (await count()) - before;
        if (outcome) expect([outcome.code, added]).toEqual([550, 0]);
        expect(added).toBeLessThanOrEqual(1);
        expect(lastLine(/Inbound mail/)?.outcome).toMatch(/reply|dropped|refused/);
      },
    ),
    { numRuns: 25 },
  );
}, 120_000);
