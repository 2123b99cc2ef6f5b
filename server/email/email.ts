import { Router } from 'express';
import type { EmailFileLinks } from '../attachments/email-links';
import type { MailFiles } from '../attachments/mail-files';
import type { RatingLinkSigner } from '../rating/rating-links';
import { DataSource } from 'typeorm';
import { EmailConfig, LifecycleConfig } from '../config';
import { JobTasks } from '../jobs/job-queue';
import { Logger } from '../logger';
import { SessionService } from '../auth/session.service';
import { TicketCommands } from '../support/ticket-commands';
import { devMailboxRouter, unsubscribeRouter } from './email-pages';
import { InboundMail } from './inbound';
import { Mailer } from './mailer';
import { TicketEmailOutbox, defineEmailJobs } from './notifications';

export interface EmailDeps {
  config: EmailConfig;
  production: boolean;
  /** The owner's connections: the jobs, tokens and pages act for no session. */
  system: DataSource;
  log: Logger;
  /** The instance's jobs, which the sending jobs join. */
  tasks: JobTasks;
  /** Signed links to the files of the replies an email tells of. */
  fileLinks: EmailFileLinks;
  /** Whether auto-close is on, for its reminders. */
  lifecycle: Pick<LifecycleConfig, 'autoCloseAfterHours'>;
  /** Signed links that rate a closed ticket from its closing email. */
  ratingLinks: RatingLinkSigner;
}

/**
 * Email (docs/architecture.md, email): the outbox the ticket commands write into, the jobs that
 * send, the unsubscribe pages, in development the mailbox, and the SMTP server for mail in.
 */
export class Email {
  readonly outbox: TicketEmailOutbox;
  readonly mailer: Mailer;
  private inbound?: InboundMail;
  /** The port mail is received on, once listening. */
  inboundPort?: number;

  constructor(private readonly deps: EmailDeps) {
    this.outbox = new TicketEmailOutbox(deps.config);
    this.mailer = new Mailer(deps.config, deps.system, deps.log);
    const { system, config, fileLinks, lifecycle, ratingLinks } = deps;
    defineEmailJobs(deps.tasks, { system, mailer: this.mailer, config, fileLinks, lifecycle, ratingLinks });
    if (this.mailer.mode === 'off') deps.log.warn('No SMTP_URL: email is off, no notification is sent');
  }

  routes(): Router {
    const router = Router();
    router.use(unsubscribeRouter(this.deps.system, this.deps.log));
    if (!this.deps.production) router.use(devMailboxRouter(this.deps.system));
    return router;
  }

  /** Receives mail on INBOUND_SMTP_PORT, when set. */
  async listenInbound(commands: TicketCommands, sessions: SessionService, files: MailFiles): Promise<void> {
    const { config, system, log } = this.deps;
    if (config.inboundSmtpPort === undefined) return;
    this.inbound = new InboundMail(config, system, commands, sessions, files, log);
    this.inboundPort = await this.inbound.listen(config.inboundSmtpPort);
    log.info({ port: this.inboundPort }, 'Receiving mail by SMTP');
  }

  async close(): Promise<void> {
    await this.inbound?.close();
    this.mailer.close();
  }
}
