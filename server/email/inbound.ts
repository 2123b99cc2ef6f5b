import { createHash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { DataSource } from 'typeorm';
import { Role } from '../accounts/user.entity';
import { SessionService } from '../auth/session.service';
import { EmailConfig } from '../config';
import { MailFiles, MailFilesIntake } from '../attachments/mail-files';
import { describeSize } from '../attachments/file-name';
import { ErrorCode, MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH } from '../contract';
import { t } from '../i18n';
import { Logger } from '../logger';
import { ReplyChannel } from '../support/reply.entity';
import { Author, TicketCommands } from '../support/ticket-commands';
import { TicketCategory } from '../support/ticket-status';
import { tokenHolder } from './email-tokens';
import { replyText } from './reply-text';

/** Larger mail is refused with 552 (announced in EHLO as SIZE). */
export const MAX_INBOUND_BYTES = 10 * 1024 * 1024;

/** What became of a mail: every outcome is logged with its reason. */
export type InboundOutcome =
  | { kind: 'reply'; ticketId: string; replyId: string }
  | { kind: 'ticket'; ticketId: string }
  | { kind: 'dropped'; reason: string }
  | { kind: 'refused'; code: number; reason: string };

class Refusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (code: number, reason: string): never => {
  throw new Refusal(code, reason);
};

/** The user a mail is from; its replies are written in a session of its own (SessionService.actAs). */
type Sender = Omit<Author, 'sessionKey'> & { locale: string };

type Recipient = { kind: 'support' } | { kind: 'token'; userId: string; ticketId: string };

/**
 * Mail in (docs/architecture.md, email): an SMTP server in the process, for the MX or a relay.
 * Unknown senders and recipients are refused at RCPT (550), oversized mail with 552; each accepted
 * mail becomes a reply (or, to the support address, a new ticket) through the ticket commands, as
 * its sender, so every rule and live event applies. Auto-replies, bounces and loops are accepted
 * and dropped, so that their senders do not retry.
 */
export class InboundMail {
  private server?: SMTPServer;

  constructor(
    private readonly config: EmailConfig,
    /** The owner's connections: users, tokens and tickets are looked up for no session. */
    private readonly system: DataSource,
    private readonly commands: TicketCommands,
    private readonly sessions: SessionService,
    private readonly files: MailFiles,
    private readonly log: Logger,
  ) {}

  async listen(port: number): Promise<number> {
    const server = new SMTPServer({
      name: this.config.inboundDomain,
      banner: 'Lex Support',
      size: MAX_INBOUND_BYTES,
      authOptional: true,
      // TLS and authentication are the MX's or relay's business in front of this port.
      disabledCommands: ['AUTH', 'STARTTLS'],
      // The client's name is not used; a reverse DNS lookup per connection would only add delay.
      disableReverseLookup: true,
      logger: false,
      onRcptTo: (address, session, callback) =>
        this.checkEnvelope(address, session).then(
          () => callback(),
          (error) => callback(this.refusalOf(error, { to: address.address })),
        ),
      onData: (stream, session, callback) =>
        this.receive(stream, session).then(
          (outcome) =>
            callback(outcome.kind === 'refused' ? Object.assign(new Error(outcome.reason), { responseCode: outcome.code }) : null),
          (error) => callback(error),
        ),
    });
    server.on('error', (error) => this.log.error({ err: error }, 'Inbound SMTP server error'));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, resolve);
    });
    return (server.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** RCPT: a reply address of ours or the support address, from a known sender (or a bounce's empty one). */
  private async checkEnvelope(address: SMTPServerAddress, session: SMTPServerSession) {
    await this.recipientOf(address.address);
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    if (from && !(await this.userByAddress(from))) refuse(550, '5.7.1 Unknown sender: mail from this address is not accepted');
  }

  private refusalOf(error: unknown, details: Record<string, unknown>): Error {
    if (error instanceof Refusal) {
      this.log.info({ ...details, code: error.responseCode }, `Inbound mail refused: ${error.message}`);
      return Object.assign(new Error(error.message), { responseCode: error.responseCode });
    }
    this.log.error({ err: error, ...details }, 'Inbound mail could not be checked');
    return Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 });
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<InboundOutcome> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) return this.outcome({ kind: 'refused', code: 552, reason: '5.3.4 Message too big: the limit is 10 MB' });
    try {
      return this.outcome(await this.handle(Buffer.concat(chunks), session));
    } catch (error) {
      if (error instanceof Refusal) return this.outcome({ kind: 'refused', code: error.responseCode, reason: error.message });
      if (error instanceof GraphQLError && error.extensions.code !== ErrorCode.SERVICE_UNAVAILABLE) {
        return this.outcome({ kind: 'refused', code: 550, reason: `5.7.1 ${error.message}` });
      }
      // The database is away or something unexpected: the sending server keeps the mail and retries.
      this.log.error({ err: error }, 'Inbound mail failed; asked the sender to retry');
      throw Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 });
    }
  }

  private outcome(outcome: InboundOutcome): InboundOutcome {
    const { kind, ...details } = outcome;
    this.log.info({ ...details, outcome: kind }, `Inbound mail ${kind}`);
    return outcome;
  }

  /** One mail, from the end of DATA to a reply, a ticket, a drop or a refusal. */
  async handle(raw: Buffer, session: Pick<SMTPServerSession, 'envelope'>): Promise<InboundOutcome> {
    const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const dropped = this.automatic(mail, envelopeFrom);
    if (dropped) return { kind: 'dropped', reason: dropped };

    const fromAddress = mail.from?.value[0]?.address?.toLowerCase() ?? '';
    const sender = fromAddress ? await this.userByAddress(fromAddress) : null;
    if (!sender) return refuse(550, '5.7.1 Unknown sender: the From address is not a Lex Support user');

    const recipients = await Promise.all(session.envelope.rcptTo.map((r) => this.recipientOf(r.address)));
    const token = recipients.find((r): r is Extract<Recipient, { kind: 'token' }> => r.kind === 'token');
    if (token && token.userId !== sender.id) return refuse(550, '5.7.1 This reply address belongs to someone else');
    const ticketId = token?.ticketId ?? (await this.referencedTicket(mail, sender));

    const text = replyText(mail.text ?? '');
    const files = mail.attachments ?? [];
    if (!text && !files.length) return { kind: 'dropped', reason: 'nothing but quoted text' };
    const clientMutationId = mutationIdOf(mail.messageId ?? createHash('sha256').update(raw).digest('hex'));

    if (ticketId) {
      const reply = await this.withFiles(sender, files, (author, message, attachmentIds) =>
        this.commands.replyToTicket(author, { ticketId, message: message(text), attachmentIds, clientMutationId, via: ReplyChannel.EMAIL }),
      );
      return { kind: 'reply', ticketId, replyId: reply.id };
    }
    if (!recipients.some((r) => r.kind === 'support')) return refuse(550, '5.7.1 No ticket found for this mail');
    if (sender.role !== Role.CUSTOMER) return refuse(550, '5.7.1 Only customers open tickets by email');
    const ticket = await this.withFiles(sender, files, (author, message, attachmentIds) => {
      const body = message(text);
      const subject = (mail.subject ?? '').trim().slice(0, 200) || body.split('\n')[0].slice(0, 200);
      return this.commands.createTicket(author, {
        subject,
        category: TicketCategory.OTHER,
        message: body,
        attachmentIds,
        clientMutationId,
        via: ReplyChannel.EMAIL,
      });
    });
    return { kind: 'ticket', ticketId: ticket.id };
  }

  /**
   * Writes as the sender, with the mail's files stored as their uploads and attached by `write`;
   * `message` adds a line for each file left out (in the sender's language). Files the write did
   * not take — it failed, or the mail is a repeat answered with the earlier reply — are deleted.
   */
  private async withFiles<T>(
    sender: Sender,
    files: NonNullable<ParsedMail['attachments']>,
    write: (author: Author, message: (text: string) => string, attachmentIds: string[]) => Promise<T>,
  ): Promise<T> {
    // A session each: however long the images take, the write's own session has its whole minute.
    const intake = await this.sessions.actAs(sender.id, (sessionKey) => this.files.receive({ ...sender, sessionKey }, files));
    if (intake.notAttached.length) this.log.info({ notAttached: intake.notAttached }, 'Inbound mail: files left out');
    try {
      return await this.sessions.actAs(sender.id, (sessionKey) =>
        write({ ...sender, sessionKey }, (text) => this.messageOf(text, intake, sender.locale), intake.stored),
      );
    } finally {
      await this.files
        .discardUnattached(intake.stored)
        .catch((error) => this.log.warn({ err: error }, 'Inbound mail: files not taken stay until the clean-up job'));
    }
  }

  private messageOf(text: string, { stored, notAttached }: MailFilesIntake, locale: string): string {
    const say = (key: Parameters<typeof t>[1], vars: Record<string, string | number>) =>
      t(locale, key, { ...vars, interpolation: { escapeValue: false } });
    const notes = notAttached.map(({ name, reason }) =>
      say(`email.inbound.notAttached.${reason}`, { name, limit: describeSize(this.files.maxBytes), max: MAX_ATTACHMENTS_PER_MESSAGE }),
    );
    return messageWithNotes(text || (stored.length ? say('email.inbound.filesOnly', {}) : ''), notes, MAX_MESSAGE_LENGTH);
  }

  /** Why a mail is one that no person wrote (and must not be answered or stored), or null. */
  private automatic(mail: ParsedMail, envelopeFrom: string): string | null {
    const header = (name: string) =>
      String(mail.headers.get(name) ?? '')
        .trim()
        .toLowerCase();
    if (!envelopeFrom || header('content-type').startsWith('multipart/report')) return 'a bounce';
    const autoSubmitted = header('auto-submitted');
    if (autoSubmitted && autoSubmitted !== 'no') return `an automatic mail (Auto-Submitted: ${autoSubmitted})`;
    if (['bulk', 'auto_reply', 'list', 'junk'].includes(header('precedence')))
      return `an automatic mail (Precedence: ${header('precedence')})`;
    if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return 'an automatic reply';
    const from = mail.from?.value[0]?.address?.toLowerCase();
    if (from === this.config.mailFromAddress || (mail.messageId ?? '').toLowerCase().endsWith(`@${this.config.inboundDomain}>`))
      return 'a loop (mail from ourselves)';
    return null;
  }

  private async recipientOf(address: string): Promise<Recipient> {
    const lower = address.toLowerCase();
    if (lower === this.config.mailFromAddress) return { kind: 'support' };
    const match = /^reply\+([^@]+)@(.+)$/.exec(lower);
    if (match && match[2] === this.config.inboundDomain) {
      const holder = await tokenHolder(this.system.manager, 'reply', match[1]);
      if (holder?.ticketId) return { kind: 'token', userId: holder.userId, ticketId: holder.ticketId };
    }
    return refuse(550, '5.1.1 No such recipient');
  }

  private async userByAddress(address: string): Promise<Sender | null> {
    const [user] = await this.system.query(
      `SELECT id, role, name, email, tenant_id AS "tenantId", locale FROM users WHERE lower(email) = lower($1)`,
      [address],
    );
    return user ?? null;
  }

  /** The ticket a mail refers to by our thread id, or by `[#1234]` from that ticket's customer. */
  private async referencedTicket(mail: ParsedMail, sender: Sender): Promise<string | null> {
    const references = [mail.inReplyTo ?? '', ...[mail.references ?? []].flat()].join(' ');
    const domain = this.config.inboundDomain.replace(/\./g, '\\.');
    const threadIds = [...references.matchAll(new RegExp(`<ticket-([0-9a-f-]{36})@${domain}>`, 'gi'))].map((m) => m[1].toLowerCase());
    const number = /\[#(\d{1,9})\]/.exec(mail.subject ?? '')?.[1];
    if (!threadIds.length && !number) return null;
    const [ticket] = threadIds.length
      ? await this.system.query(`SELECT id, user_id FROM support_tickets WHERE id = ANY($1::uuid[]) LIMIT 1`, [threadIds])
      : await this.system.query(`SELECT id, user_id FROM support_tickets WHERE ticket_number = $1`, [Number(number)]);
    if (!ticket) return refuse(550, '5.7.1 No ticket found for this mail');
    // By reference the ticket's customer or the team may answer; by number only its customer.
    const allowed = ticket.user_id === sender.id || (threadIds.length > 0 && sender.role === Role.SUPERADMIN);
    if (!allowed) return refuse(550, '5.7.1 The sender is not the customer of this ticket');
    return ticket.id;
  }
}

/** The same mail delivered twice (one Message-ID) is one reply: it is the write's client mutation id. */
function mutationIdOf(messageId: string): string {
  const hex = createHash('sha256').update(`email:${messageId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The text of a reply from mail, then a line for each file left out. Notes that would take the
 * message past `max` characters are cut, ending in "…"; the sender's own text is never cut here.
 */
export function messageWithNotes(text: string, notes: string[], max: number): string {
  const join = (lines: string[]) => [text, lines.join('\n')].filter(Boolean).join('\n\n');
  for (let kept = notes.length; kept > 0; kept--) {
    const message = join(kept === notes.length ? notes : [...notes.slice(0, kept), '…']);
    if (message.length <= max) return message;
  }
  return text;
}
