// The rating links of closing emails (docs/architecture.md §10), against a real SMTP catcher: signed for
// the recipient and the close, valid 14 days, no sign-in; GET only shows the form, POST records; single
// use per close; tampered, unknown or someone else's is a 404 page, expired a 403 page, nothing changed.
import { randomBytes } from 'node:crypto';
import { signLink } from '../../server/attachments/signed-links';
import { readRatingLink, signRatingLink } from '../../server/rating/rating-links';
import { SigningKeys } from '../../server/security/signing-keys';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { MailCatcher, ReceivedMail, settleFor, startMailCatcher } from '../helpers/mail';
import { ratingOps } from '../helpers/operations';
import { TestServer, startTestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

describe('rating link tokens', () => {
  const key = randomBytes(32);
  const claims = {
    ticketId: '0b7e9a52-4a3f-4c1e-9d2b-1f6a8c3e5d70',
    userId: 'c4d2f1e0-8b7a-4e6d-a5c4-b3a2918f7e6d',
    closedAt: new Date('2030-01-01T10:11:12.345Z'),
    expiresAt: new Date('2030-01-15T10:11:13Z'),
  };
  const token = signRatingLink(key, claims);
  const before = new Date('2030-01-15T10:11:12Z');
  const flipped = (at: number) => {
    const bytes = Buffer.from(token, 'base64url');
    bytes[at] ^= 0x01;
    return bytes.toString('base64url');
  };

  it('read back the ticket, the recipient and the close (to the millisecond) until they expire', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{80}$/);
    const { expiresAt: _expiry, ...named } = claims;
    expect(readRatingLink(key, token, before)).toEqual({ kind: 'valid', ...named });
    expect(readRatingLink(key, token, claims.expiresAt)).toEqual({ kind: 'expired' });
  });

  it.each([
    ['another ticket', flipped(2)],
    ['another recipient', flipped(20)],
    ['another close', flipped(39)],
    ['a later expiry', flipped(43)],
    ['a changed tag', flipped(59)],
    ['cut short', token.slice(0, -1)],
    ['made longer', `${token}A`],
    ['an attachment link', signLink(key, { attachmentId: claims.ticketId, userId: claims.userId, expiresAt: claims.expiresAt })],
    ['empty', ''],
  ])('refuse a token of %s', (_case, tampered) => {
    expect(readRatingLink(key, tampered, before)).toEqual({ kind: 'invalid' });
  });

  it('are refused under another key, even once expired', () => {
    expect(readRatingLink(randomBytes(32), token, before)).toEqual({ kind: 'invalid' });
    expect(readRatingLink(randomBytes(32), token, new Date('2031-01-01T00:00:00Z'))).toEqual({ kind: 'invalid' });
  });
});

describe('rating from the closing email', () => {
  let catcher: MailCatcher;
  let server: TestServer;
  let desk: ReturnType<typeof api>;
  let customer: SignedIn;
  let otherCustomer: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    catcher = await startMailCatcher();
    server = await startTestServer({
      jobs: true,
      env: { SMTP_URL: catcher.url, MAIL_FROM: 'Lex Support <support@lex.example>', INBOUND_DOMAIN: 'in.lex.example', NOTIFY_DELAY_S: '0' },
    });
    desk = api(server);
    customer = await signedInUser(server, 'customer', 'Acme');
    otherCustomer = await signedInUser(server, 'customer', 'Initech');
    admin = await signedInUser(server, 'superadmin');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await catcher?.close();
  });

  /** The closing email of the ticket's `nth` close (1 = the first), waiting for it. */
  async function closingMail(subject: string, nth = 1): Promise<ReceivedMail> {
    for (let i = 0; i < 400; i++, await settleFor(25)) {
      const found = catcher.received.filter(
        (r) => r.to.includes(customer.email) && r.mail.subject?.includes(subject) && /closed|gesloten/.test(r.mail.text ?? ''),
      );
      if (found.length >= nth) return found[nth - 1];
    }
    throw new Error(`no closing mail for ${subject}`);
  }
  const ratingLinks = (text: string) => [...text.matchAll(/https?:\/\/\S+\/email\/rate\/[A-Za-z0-9_-]{80}\?score=\d/g)].map((m) => m[0]);
  const closed = async (subject: string) => {
    const ticket = await desk.createTicket(customer.token, { subject });
    await desk.reply(admin.token, ticket.id, 'Done: the export works again.');
    await desk.setStatus(admin.token, ticket.id, 'CLOSED');
    return ticket;
  };
  const get = async (url: string, language = 'en') => {
    const response = await fetch(url, { headers: { 'accept-language': language } });
    return { status: response.status, body: await response.text(), cache: response.headers.get('cache-control') };
  };
  const post = async (url: string, form: Record<string, string>) => {
    const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
    return { status: response.status, body: await response.text() };
  };
  const ratingsOf = (ticketId: string) =>
    server.sql(`SELECT score, comment FROM ticket_ratings WHERE ticket_id = $1 ORDER BY created_at`, [ticketId]);
  const linkKey = () => new SigningKeys(server.system).key('rating-links');

  it('carries five links, in the recipient language; opening one records nothing, sending the form rates once', async () => {
    // The recipient reads Dutch: the email and the pages of its links are in Dutch.
    await server.sql(`UPDATE users SET locale = 'nl' WHERE id = $1`, [customer.id]);
    const ticket = await closed('Export na update');
    const mail = await closingMail('Export na update');

    expect(mail.mail.text).toContain('Hoe hebben we het gedaan? Beoordeel de hulp met één klik:');
    expect(mail.mail.text).toMatch(/- 5 Uitstekend: http\S+\?score=5/);
    expect(mail.mail.text).toMatch(/Deze links werken tot .+\./);
    const links = ratingLinks(mail.mail.text!);
    expect(links.map((link) => link.slice(-1))).toEqual(['1', '2', '3', '4', '5']);
    // One token per recipient and close; the score is the link's only difference.
    expect(new Set(links.map((link) => link.replace(/\?score=\d$/, ''))).size).toBe(1);
    for (const link of links) expect(mail.mail.html).toContain(`href="${link}"`);

    // A mail scanner (or the customer) opening links: a form in the recipient's language, nothing stored.
    for (const link of [links[3], links[0], links[3]]) {
      const page = await get(link);
      expect(page.status).toBe(200);
      expect(page.cache).toBe('no-store');
    }
    const page = await get(links[3]);
    expect(page.body).toContain('<html lang="nl">');
    expect(page.body).toContain('Hoe hebben we het gedaan?');
    expect(page.body).toMatch(/value="4" required checked/);
    expect(page.body).toContain(`#${ticket.ticketNumber} Export na update`);
    expect(await ratingsOf(ticket.id)).toEqual([]);

    const sent = await post(links[3], { score: '4', comment: '  Snel opgelost  ' });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('Bedankt voor je beoordeling!');
    expect(await ratingsOf(ticket.id)).toEqual([{ score: 4, comment: 'Snel opgelost' }]);
    expect((await ok(server, ratingOps.ticket, { id: ticket.id }, admin.token)).supportTicket?.rating).toMatchObject({
      score: 4,
      comment: 'Snel opgelost',
    });
    const [rated] = await server.sql(`SELECT actor_id FROM ticket_events WHERE ticket_id = $1 AND kind = 'rated'`, [ticket.id]);
    expect(rated.actor_id).toBe(customer.id);

    // Single use per close: every link of that close now says so, and changes nothing.
    for (const again of [await get(links[0]), await post(links[1], { score: '1' })]) {
      expect(again.status).toBe(200);
      expect(again.body).toContain('Je hebt dit ticket al beoordeeld. Bedankt!');
    }
    expect(await ratingsOf(ticket.id)).toEqual([{ score: 4, comment: 'Snel opgelost' }]);
    await server.sql(`UPDATE users SET locale = 'en' WHERE id = $1`, [customer.id]);
  });

  it('refuses a bad score or comment on the page, naming it, and stores nothing', async () => {
    const ticket = await closed('Bad form input');
    const [link] = ratingLinks((await closingMail('Bad form input')).mail.text!);
    for (const form of [{} as Record<string, string>, { score: '0' }, { score: '6' }, { score: '2.5' }, { score: 'five' }]) {
      const page = await post(link, form);
      expect(page.status).toBe(422);
      expect(page.body).toContain('Choose a score from 1 to 5.');
    }
    const long = await post(link, { score: '3', comment: 'x'.repeat(2001) });
    expect([long.status, long.body]).toEqual([422, expect.stringContaining('Write at most 2,000 characters.')]);
    // The reader's choice is kept on the page.
    expect(long.body).toMatch(/value="3" required checked/);
    expect(await ratingsOf(ticket.id)).toEqual([]);
  });

  it('answers a tampered, unknown or foreign link with one 404 page, an expired one with 403, in the reader language', async () => {
    const ticket = await closed('Tampered links');
    const [link] = ratingLinks((await closingMail('Tampered links')).mail.text!);
    const token = link.split('/')[5].split('?')[0];
    const [{ closed_at: closedAt }] = await server.sql(`SELECT closed_at FROM support_tickets WHERE id = $1`, [ticket.id]);
    const later = new Date(Date.now() + 60_000);
    const sign = async (claims: Partial<Parameters<typeof signRatingLink>[1]>) =>
      `${server.origin}/email/rate/${signRatingLink(await linkKey(), { ticketId: ticket.id, userId: customer.id, closedAt, expiresAt: later, ...claims })}?score=5`;

    const refused = [
      link.replace(token, token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11)),
      `${server.origin}/email/rate/nonsense?score=5`,
      await sign({ ticketId: '00000000-0000-4000-8000-000000000000' }),
      await sign({ userId: otherCustomer.id }), // someone else, on this ticket
      await sign({ userId: '00000000-0000-4000-8000-000000000000' }),
    ];
    const answers = await Promise.all(refused.map((url) => get(url)));
    expect(answers[0]).toEqual({ status: 404, body: expect.stringContaining('This rating link is not valid.'), cache: 'no-store' });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    for (const url of refused) expect((await post(url, { score: '5' })).status).toBe(404);
    expect((await get(refused[0], 'nl-NL,nl;q=0.9')).body).toContain('Deze beoordelingslink is niet geldig.');

    const expired = await sign({ expiresAt: new Date(Date.now() - 1000) });
    const old = await get(expired, 'nl-NL,nl;q=0.9,en;q=0.8');
    expect([old.status, old.body]).toEqual([403, expect.stringContaining('Deze beoordelingslink is verlopen.')]);
    expect((await post(expired, { score: '5' })).status).toBe(403);
    expect(await ratingsOf(ticket.id)).toEqual([]);
  });

  it('gives a reopened and closed ticket new links; the old ones no longer rate it', async () => {
    const ticket = await closed('Reopened later');
    const [first] = ratingLinks((await closingMail('Reopened later')).mail.text!);
    await desk.reply(customer.token, ticket.id, 'It broke again'); // reopens
    const meanwhile = await get(first);
    expect([meanwhile.status, meanwhile.body]).toEqual([
      409,
      expect.stringContaining('This ticket was reopened after this email was sent'),
    ]);
    expect((await post(first, { score: '2' })).status).toBe(409);

    await desk.reply(admin.token, ticket.id, 'Fixed for good.');
    await desk.setStatus(admin.token, ticket.id, 'CLOSED');
    const second = ratingLinks((await closingMail('Reopened later', 2)).mail.text!);
    expect(second[0]).not.toBe(first);
    expect((await get(first)).status).toBe(409);
    expect((await post(second[4], { score: '5' })).body).toContain('Thank you for your rating!');
    expect(await ratingsOf(ticket.id)).toEqual([{ score: 5, comment: null }]);
  });
});
