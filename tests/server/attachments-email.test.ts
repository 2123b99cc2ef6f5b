import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { SMTPError } from 'nodemailer/lib/smtp-connection';
import sharp from 'sharp';
import { signLink } from '../../server/attachments/signed-links';
import { createLogger } from '../../server/logger';
import { SigningKeys } from '../../server/security/signing-keys';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { MailCatcher, ReceivedMail, sendMail, settleFor, startMailCatcher } from '../helpers/mail';
import { ops } from '../helpers/operations';
import { TestServer, startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';
import { uploaded } from '../helpers/uploads';

// Attachments and email, both ways, against real SMTP servers: the notifications list the files
// with signed links that open without signing in, and files mailed in are stored as uploads are.
let catcher: MailCatcher;
let server: TestServer;
let desk: ReturnType<typeof api>;
let customer: SignedIn;
let otherCustomer: SignedIn;
let admin: SignedIn;
let colleague: SignedIn;
const lines: any[] = [];

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({
    jobs: true,
    log: createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) }),
    env: {
      SMTP_URL: catcher.url,
      MAIL_FROM: 'Lex Support <support@lex.example>',
      INBOUND_DOMAIN: 'in.lex.example',
      NOTIFY_DELAY_S: '0',
      INBOUND_SMTP_PORT: '0',
      // Small enough that a mail (at most 10 MB) can carry a file over it.
      ATTACHMENT_MAX_MB: '1',
    },
  });
  desk = api(server);
  customer = await signedInUser(server, 'customer', 'Acme');
  otherCustomer = await signedInUser(server, 'customer', 'Initech');
  admin = await signedInUser(server, 'superadmin');
  colleague = await signedInUser(server, 'superadmin');
});
afterAll(async () => {
  await server.close();
  await catcher.close();
});

const png = (width = 800) =>
  sharp({ create: { width, height: 600, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

/** The newest mail to `address` that `matches`, waiting for it. */
async function mailTo(address: string, matches: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
  for (let i = 0; i < 400; i++, await settleFor(25)) {
    const found = catcher.received.filter((r) => r.to.includes(address) && matches(r)).at(-1);
    if (found) return found;
  }
  throw new Error(`no mail to ${address}`);
}
const linksIn = (text: string) => [...text.matchAll(/https?:\/\/\S+\/email\/attachments\/[A-Za-z0-9_-]{70}\/\S+/g)].map((m) => m[0]);
const open = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
/** The status of a link, its body read to the end. */
const statusOf = async (url: string) => {
  const response = await open(url);
  await response.arrayBuffer();
  return response.status;
};
// The server's key, as any instance reads (or first makes) it.
const linkKey = () => new SigningKeys(server.system).key('attachment-links');
const linkTo = async (attachmentId: string, userId: string, expiresAt = new Date(Date.now() + 60_000)) =>
  `${server.origin}/email/attachments/${signLink(await linkKey(), { attachmentId, userId, expiresAt })}/file`;
/** Runs `work` while `user` reads Dutch (emails and notes are in the recipient's or sender's language). */
async function inDutch<T>(user: SignedIn, work: () => Promise<T>): Promise<T> {
  await server.sql(`UPDATE users SET locale = 'nl' WHERE id = $1`, [user.id]);
  try {
    return await work();
  } finally {
    await server.sql(`UPDATE users SET locale = 'en' WHERE id = $1`, [user.id]);
  }
}
const filesOf = async (ticketId: string, token = admin.token) =>
  (await ok(server, ops.ticketAttachments, { id: ticketId }, token)).supportTicket!.replies.map((reply) => reply.attachments);

describe('links in notification emails', () => {
  it("list the team answer's files by name and size, with links the customer opens without signing in", async () => {
    const ticket = await desk.createTicket(customer.token, { subject: 'Export with files' });
    const image = await uploaded(server, admin.token, { name: 'screen.png', bytes: await png() });
    const notes = await uploaded(server, admin.token, { name: 'notes <v2>.txt', bytes: Buffer.from('step one\nstep two\n') });
    const { mail } = await inDutch(customer, async () => {
      await ok(
        server,
        ops.replyWithAttachments,
        { input: { ticketId: ticket.id, message: 'See the files.', attachmentIds: [image, notes] } },
        admin.token,
      );
      return mailTo(customer.email, (r) => !!r.mail.text?.includes('See the files.'));
    });

    expect(mail.text).toMatch(/Bijgevoegde bestanden \(deze links werken tot .+\):/);
    expect(mail.text).toMatch(/^- screen\.png \(\d+ KB\): http/m);
    expect(mail.text).toContain('- notes <v2>.txt (1 KB): http');
    expect(mail.html).toContain('notes &lt;v2&gt;.txt</a> (1 KB)');
    expect(mail.html).not.toMatch(/<img|<script/i);
    const [imageLink, notesLink] = linksIn(mail.text!);
    expect(imageLink).toMatch(new RegExp(`^${server.origin}/email/attachments/[A-Za-z0-9_-]{70}/screen\\.png$`));
    expect(mail.html).toContain(`href="${notesLink}"`);

    const text = await open(notesLink);
    expect([text.status, await text.text()]).toEqual([200, 'step one\nstep two\n']);
    expect(
      Object.fromEntries(
        ['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy'].map((h) => [h, text.headers.get(h)]),
      ),
    ).toEqual({
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="notes <v2>.txt"; filename*=UTF-8''notes%20%3Cv2%3E.txt`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
    });
    const picture = await open(imageLink);
    await picture.arrayBuffer();
    expect([picture.status, picture.headers.get('content-type'), picture.headers.get('content-disposition')]).toEqual([
      200,
      'image/png',
      `inline; filename="screen.png"; filename*=UTF-8''screen.png`,
    ]);
  });

  it("give each team member links of their own to a customer's files", async () => {
    const log = await uploaded(server, customer.token, { name: 'app.log', bytes: Buffer.from('error 500\n') });
    await ok(
      server,
      ops.createTicket,
      { input: { subject: 'Log attached', category: 'TECHNICAL', message: 'Here is the log.', attachmentIds: [log] } },
      customer.token,
    );
    const mine = linksIn((await mailTo(admin.email, (r) => !!r.mail.text?.includes('Here is the log.'))).mail.text!);
    const theirs = linksIn((await mailTo(colleague.email, (r) => !!r.mail.text?.includes('Here is the log.'))).mail.text!);
    expect(mine).toHaveLength(1);
    expect(theirs).toHaveLength(1);
    expect(mine[0]).not.toBe(theirs[0]);
    expect((await mailTo(admin.email, (r) => !!r.mail.text?.includes('Here is the log.'))).mail.text).toContain(
      'Attached files (these links work until',
    );
    for (const link of [...mine, ...theirs]) expect(await (await open(link)).text()).toBe('error 500\n');
  });

  it('refuse a tampered link exactly as one to nothing, and an expired one with a page in the reader language', async () => {
    const ticket = await desk.createTicket(customer.token);
    const file = await uploaded(server, admin.token, { name: 'answer.txt', bytes: Buffer.from('answer') });
    await ok(server, ops.replyWithAttachments, { input: { ticketId: ticket.id, message: 'File', attachmentIds: [file] } }, admin.token);
    const good = await linkTo(file, customer.id);
    expect(await statusOf(good)).toBe(200);

    const token = good.split('/')[5];
    const tampered = good.replace(token, token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11));
    const nothing = await linkTo('00000000-0000-4000-8000-000000000000', customer.id);
    const answers = await Promise.all(
      [tampered, nothing, `${server.origin}/email/attachments/nonsense/file`].map(async (url) => {
        const response = await open(url);
        return { status: response.status, body: await response.text(), cache: response.headers.get('cache-control') };
      }),
    );
    expect(answers[0]).toEqual({ status: 404, body: expect.stringContaining('This link to a file is not valid.'), cache: 'no-store' });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);

    const expired = await linkTo(file, customer.id, new Date(Date.now() - 1000));
    const refused = await open(expired, { 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.8' });
    expect([refused.status, await refused.text()]).toEqual([403, expect.stringContaining('Deze link naar een bestand is verlopen.')]);
    expect(refused.headers.get('content-disposition')).toBeNull();
  });

  it("never open a note's file for a customer, nor a file for someone who cannot see it", async () => {
    const ticket = await desk.createTicket(customer.token);
    const noteFile = await uploaded(server, admin.token, { name: 'internal.txt', bytes: Buffer.from('team only') });
    await ok(
      server,
      ops.replyWithAttachments,
      { input: { ticketId: ticket.id, message: 'Note', internal: true, attachmentIds: [noteFile] } },
      admin.token,
    );
    expect(await statusOf(await linkTo(noteFile, customer.id))).toBe(404);
    expect(await (await open(await linkTo(noteFile, colleague.id))).text()).toBe('team only');

    const own = await uploaded(server, customer.token, { name: 'own.txt', bytes: Buffer.from('mine') });
    await ok(
      server,
      ops.createTicket,
      { input: { subject: 'Mine', category: 'OTHER', message: 'Mine', attachmentIds: [own] } },
      customer.token,
    );
    expect(await statusOf(await linkTo(own, otherCustomer.id))).toBe(404);
    expect(await statusOf(await linkTo(own, customer.id))).toBe(200);
  });
});

describe('files mailed in', () => {
  const port = () => server.app.email.inboundPort!;
  const storedFiles = () => readdir(path.join(server.dataDir, 'attachments')).catch(() => [] as string[]);
  const arriving = () => readdir(path.join(server.dataDir, 'uploads')).catch(() => [] as string[]);
  const unattached = async () =>
    (await server.sql(`SELECT count(*)::int AS n FROM attachments WHERE uploader_id = $1 AND reply_id IS NULL`, [customer.id]))[0].n;

  /** A ticket the team answered; `to` is the reply address of the answer's email. */
  async function answered() {
    const ticket = await desk.createTicket(customer.token, { subject: `Mailed files ${Math.random()}` });
    await desk.reply(admin.token, ticket.id, `Answer to ${ticket.id}`);
    const { mail } = await mailTo(customer.email, (r) => !!r.mail.text?.includes(`Answer to ${ticket.id}`));
    return { ticket, to: mail.replyTo!.value[0].address!, subject: `Re: ${mail.subject}` };
  }
  const latestReply = async (ticketId: string) =>
    (await server.sql(`SELECT id, message, via FROM support_replies WHERE ticket_id = $1 ORDER BY created_at DESC LIMIT 1`, [ticketId]))[0];

  it('are stored as the reply’s attachments through the checks of uploads; refused ones are left out with a note', async () => {
    const { ticket, to, subject } = await answered();
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 22/1 0/1' } })
      .toBuffer();
    await sendMail(port(), {
      from: customer.email,
      to,
      subject,
      text: 'Photo and log attached.',
      attachments: [
        { filename: 'IMG_0001.jpg', content: photo },
        { filename: 'logo.svg', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
        { filename: 'app.log', content: Buffer.from('started\n') },
        { filename: 'setup.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]) },
        { filename: 'big.pdf', content: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1536 * 1024, 0x20)]) },
      ],
    });
    const reply = await latestReply(ticket.id);
    expect(reply).toMatchObject({
      via: 'email',
      message:
        'Photo and log attached.\n\n' +
        'Not attached: logo.svg (files of this type are not accepted).\n' +
        'Not attached: setup.exe (files of this type are not accepted).\n' +
        'Not attached: big.pdf (larger than the limit of 1 MB).',
    });
    const files = (await filesOf(ticket.id, customer.token)).at(-1)!;
    expect(files.map((f) => [f.name, f.contentType, !!f.thumbnailUrl])).toEqual([
      ['IMG_0001.jpg', 'image/jpeg', true],
      ['app.log', 'text/plain', false],
    ]);
    const served = Buffer.from(
      await (await fetch(`${server.origin}${files[0].url}`, { headers: { authorization: `Bearer ${customer.token}` } })).arrayBuffer(),
    );
    expect((await sharp(served).metadata()).exif).toBeUndefined();
    expect(lines.find((line) => line.msg === 'Inbound mail: files left out')?.notAttached).toEqual([
      { name: 'logo.svg', reason: 'type' },
      { name: 'setup.exe', reason: 'type' },
      { name: 'big.pdf', reason: 'size' },
    ]);
    expect(await arriving()).toEqual([]);
  });

  it('take at most 10 files; a mail of files alone says so; a note is in the sender’s language', async () => {
    const { ticket, to, subject } = await answered();
    await inDutch(customer, () =>
      sendMail(port(), {
        from: customer.email,
        to,
        subject,
        text: '',
        attachments: Array.from({ length: 12 }, (_, i) => ({ filename: `part-${i + 1}.txt`, content: Buffer.from(`part ${i + 1}\n`) })),
      }),
    );
    expect((await latestReply(ticket.id)).message).toBe(
      '(Bestanden per e-mail gestuurd, zonder bericht.)\n\n' +
        'Niet bijgevoegd: part-11.txt (hooguit 10 bestanden per bericht).\n' +
        'Niet bijgevoegd: part-12.txt (hooguit 10 bestanden per bericht).',
    );
    expect((await filesOf(ticket.id)).at(-1)!.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `part-${i + 1}.txt`));
  });

  it('open a ticket with its files, mailed to the support address', async () => {
    await sendMail(port(), {
      from: customer.email,
      to: 'support@lex.example',
      subject: 'New ticket with a screenshot',
      text: 'See the screenshot.',
      attachments: [{ filename: 'screen.png', content: await png(640) }],
    });
    const [ticket] = await server.sql(`SELECT id FROM support_tickets WHERE subject = 'New ticket with a screenshot'`);
    expect((await filesOf(ticket.id))[0].map((f) => [f.name, f.contentType])).toEqual([['screen.png', 'image/png']]);
  });

  it('delivered twice make one reply with one set of files, and leave nothing behind', async () => {
    const { ticket, to, subject } = await answered();
    const before = { unattached: await unattached(), files: (await storedFiles()).length };
    const mail = {
      from: customer.email,
      to,
      subject,
      messageId: `<twice-${ticket.id}@mail.acme.example>`,
      text: 'Twice',
      attachments: [{ filename: 'twice.png', content: await png(400) }],
    };
    await sendMail(port(), mail);
    await sendMail(port(), mail);
    expect(
      await server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1 AND message = 'Twice'`, [ticket.id]),
    ).toEqual([{ n: 1 }]);
    expect((await filesOf(ticket.id)).at(-1)!.map((f) => f.name)).toEqual(['twice.png']);
    // One image and its thumbnail more; the second delivery's were deleted.
    expect({ unattached: await unattached(), files: (await storedFiles()).length }).toEqual({ ...before, files: before.files + 2 });
  });

  it('leave nothing half written when the reply cannot be stored: the sender is asked to retry, and the retry stores it all', async () => {
    const { ticket, to, subject } = await answered();
    await server.sql(`
      CREATE FUNCTION refuse_replies() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the disk is full'; END $$`);
    await server.sql(`CREATE TRIGGER refuse_replies BEFORE INSERT ON support_replies FOR EACH ROW EXECUTE FUNCTION refuse_replies()`);
    const before = { rows: (await server.sql(`SELECT count(*)::int AS n FROM attachments`))[0].n, files: await storedFiles() };
    const mail = {
      from: customer.email,
      to,
      subject,
      messageId: `<retry-${ticket.id}@mail.acme.example>`,
      text: 'With two files',
      attachments: [
        { filename: 'one.png', content: await png(300) },
        { filename: 'two.txt', content: Buffer.from('two') },
      ],
    };
    try {
      const refused = await sendMail(port(), mail).then(
        () => null,
        (error: SMTPError) => error.responseCode,
      );
      expect(refused).toBe(451);
      expect({ rows: (await server.sql(`SELECT count(*)::int AS n FROM attachments`))[0].n, files: await storedFiles() }).toEqual(before);
      expect(await arriving()).toEqual([]);
    } finally {
      await server.sql(`DROP TRIGGER refuse_replies ON support_replies`);
      await server.sql(`DROP FUNCTION refuse_replies()`);
    }
    await sendMail(port(), mail);
    expect((await latestReply(ticket.id)).message).toBe('With two files');
    expect((await filesOf(ticket.id)).at(-1)!.map((f) => f.name)).toEqual(['one.png', 'two.txt']);
  });
});
