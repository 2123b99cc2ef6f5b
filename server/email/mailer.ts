import { createHash } from 'node:crypto';
import nodemailer, { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { EmailConfig } from '../config';
import { DEFAULT_JOB_CONCURRENCY } from '../jobs/job-queue';
import { Logger } from '../logger';
import { RenderedEmail } from './email-templates';

/** An email ready to go: what it says, who gets it, and where it sits in the ticket's thread. */
export interface OutgoingEmail extends RenderedEmail {
  to: string;
  ticketId: string;
  replyTo: string;
  unsubscribeUrl: string;
}

export type Delivery = 'sent' | 'kept' | 'already-sent' | 'email-off';

/** The Message-ID every email of a ticket refers to, so that mail clients show one thread. */
export const threadId = (ticketId: string, domain: string) => `<ticket-${ticketId}@${domain}>`;

/** The same event and recipient always give the same Message-ID: a resend is recognisably the same mail. */
export const messageIdOf = (key: string, domain: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;

/**
 * Sends notification emails once per key (an event and a recipient). Without SMTP, development
 * keeps each email in `sent_emails` for /dev/mailbox and production sends nothing.
 *
 * Once: the key is looked up before sending and recorded right after the SMTP server accepted the
 * mail; a retry finds it and sends nothing. What remains is at-least-once: a crash between the
 * server's acceptance and that record (milliseconds) sends the mail again on retry, with the same
 * Message-ID, which most mail clients show once.
 */
export class Mailer {
  private readonly transport?: Transporter;
  readonly mode: 'smtp' | 'outbox' | 'off';

  constructor(
    private readonly config: EmailConfig,
    private readonly db: DataSource,
    private readonly log: Logger,
  ) {
    this.mode = config.smtpUrl ? 'smtp' : config.keepOutbox ? 'outbox' : 'off';
    if (config.smtpUrl) {
      // smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the start.
      const url = new URL(config.smtpUrl);
      url.searchParams.set('pool', 'true');
      // As many connections as a worker runs jobs at once, so that no job waits for another's send.
      url.searchParams.set('maxConnections', String(DEFAULT_JOB_CONCURRENCY));
      this.transport = nodemailer.createTransport(url.toString());
    }
  }

  /** `build` runs only when the email is still to be sent (it may issue tokens). */
  async deliver(key: string, build: () => Promise<OutgoingEmail>): Promise<Delivery> {
    if (this.mode === 'off') return 'email-off';
    const [done] = await this.db.query(`SELECT 1 FROM sent_emails WHERE key = $1`, [key]);
    if (done) return 'already-sent';
    const email = await build();
    const domain = this.config.inboundDomain;
    const thread = threadId(email.ticketId, domain);
    const headers = {
      'Message-ID': messageIdOf(key, domain),
      'In-Reply-To': thread,
      References: thread,
      'Reply-To': email.replyTo,
      'Auto-Submitted': 'auto-generated',
      // Out-of-office replies from Exchange are not sent for mail that says so.
      'X-Auto-Response-Suppress': 'All',
      'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
    if (this.transport) {
      await this.transport.sendMail({
        from: this.config.mailFrom,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: headers['Message-ID'],
        inReplyTo: thread,
        references: thread,
        replyTo: email.replyTo,
        headers: {
          'Auto-Submitted': headers['Auto-Submitted'],
          'X-Auto-Response-Suppress': headers['X-Auto-Response-Suppress'],
          'List-Unsubscribe': headers['List-Unsubscribe'],
          'List-Unsubscribe-Post': headers['List-Unsubscribe-Post'],
        },
      });
    }
    await this.db.query(
      `INSERT INTO sent_emails (key, message_id, recipient, subject, text_body, html_body, headers, delivered)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
      [key, headers['Message-ID'], email.to, email.subject, email.text, email.html, headers, this.mode === 'smtp'],
    );
    this.log.info({ key, mode: this.mode }, this.mode === 'smtp' ? 'Email sent' : 'Email kept in the outbox (no SMTP_URL)');
    return this.mode === 'smtp' ? 'sent' : 'kept';
  }

  close(): void {
    this.transport?.close();
  }
}
