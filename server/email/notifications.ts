import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../accounts/user.entity';
import { isSuperadmin } from '../auth/viewer';
import type { EmailFileLinks } from '../attachments/email-links';
import type { RatingLinkSigner } from '../rating/rating-links';
import { EmailConfig, LifecycleConfig } from '../config';
import { JobTasks, enqueue } from '../jobs/job-queue';
import { AutoCloseJob, awaitsCustomerSince, describeWait } from '../lifecycle/auto-close';
import { SupportReply } from '../support/reply.entity';
import { Author, TicketChange, TicketChangeOutbox } from '../support/ticket-commands';
import { SupportTicket } from '../support/ticket.entity';
import { TicketStatus } from '../support/ticket-status';
import { issueToken } from './email-tokens';
import { EmailContent, EmailMessage, RatingLinksBlock, renderEmail, when } from './email-templates';
import { Mailer } from './mailer';

type Intro = EmailContent['intro'];

declare module '../jobs/job-queue' {
  interface JobPayloads {
    /** The Lex team's replies to a customer, after the grace window, coalesced per ticket. */
    'email.answer': { ticketId: string };
    /** A new ticket or a customer's reply, to the team. */
    'email.team': { ticketId: string; replyId: string; event: 'new-ticket' | 'customer-reply' };
    /** The team, or the auto-close after a wait, closed the ticket: to the customer. */
    'email.closed': { ticketId: string; closedBy: string } | { ticketId: string; autoClosedAfterHours: number };
    /** The ticket closes automatically at `closeAt` unless the customer replies: to the customer (docs/architecture.md §10). */
    'email.autoCloseReminder': AutoCloseJob;
  }
}

/** Earlier messages an email shows under the news. */
const EARLIER_MESSAGES = 3;

/**
 * Which emails a change causes (docs/architecture.md, email), written as jobs in the change's own
 * transaction. The rule for the customer's side lives in `customerHears`, and `publicReplies` is the
 * query that leaves internal notes out of every email; a note itself emails nobody.
 */
export class TicketEmailOutbox implements TicketChangeOutbox {
  constructor(private readonly config: Pick<EmailConfig, 'notifyDelayS'>) {}

  async record(
    manager: EntityManager,
    { ticket, reply, previousStatus, autoClosedAfterHours }: TicketChange,
    author: Author | null,
  ): Promise<void> {
    if (reply?.isInternal) return;
    if (reply && customerHears(reply)) {
      // Replies within the grace window replace the waiting job: one email with all of them. Without
      // a window the job is due at once (a run_at of "now" from this clock could read as later).
      const runAt = this.config.notifyDelayS > 0 ? new Date(Date.now() + this.config.notifyDelayS * 1000) : undefined;
      await enqueue(manager, 'email.answer', { ticketId: ticket.id }, { runAt, key: `email.answer:${ticket.id}` });
    } else if (reply) {
      await enqueue(manager, 'email.team', {
        ticketId: ticket.id,
        replyId: reply.id,
        event: previousStatus === undefined ? 'new-ticket' : 'customer-reply',
      });
    } else if (autoClosedAfterHours !== undefined) {
      await enqueue(manager, 'email.closed', { ticketId: ticket.id, autoClosedAfterHours });
    } else if (ticket.status === TicketStatus.CLOSED && previousStatus !== TicketStatus.CLOSED && author && isSuperadmin(author)) {
      await enqueue(manager, 'email.closed', { ticketId: ticket.id, closedBy: author.name });
    }
  }
}

/** The customer is emailed about the Lex team's public replies, never about internal notes. */
const customerHears = (reply: SupportReply) => reply.isAdmin && !reply.isInternal;

interface Recipient {
  id: string;
  email: string;
  name: string;
  locale: string;
}

/** Each email is in its recipient's language (`User.locale`). */
const RECIPIENT_COLUMNS = `u.id, u.email, u.name, u.locale`;

/**
 * Who on the team hears of a new ticket or a customer's reply: everyone on the team who wants
 * emails. (With assignment, the assignee when there is one.)
 */
export async function teamRecipients(manager: EntityManager, _ticket: SupportTicket): Promise<Recipient[]> {
  return manager.query(`SELECT ${RECIPIENT_COLUMNS} FROM users u WHERE u.role = $1 AND u.email_notifications ORDER BY u.email`, [
    Role.SUPERADMIN,
  ]);
}

async function customerOf(manager: EntityManager, ticket: SupportTicket): Promise<Recipient | null> {
  const [customer] = await manager.query(`SELECT ${RECIPIENT_COLUMNS} FROM users u WHERE u.id = $1 AND u.email_notifications`, [
    ticket.userId,
  ]);
  return customer ?? null;
}

/** The newest public messages of a ticket, newest first. */
async function publicReplies(manager: EntityManager, ticketId: string, limit: number): Promise<Array<SupportReply>> {
  return manager
    .getRepository(SupportReply)
    .find({ where: { ticketId, isInternal: false }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
}

const asMessage = ({ senderName, message, createdAt }: SupportReply): EmailMessage => ({ senderName, message, createdAt });

/** The jobs that write and send the emails; each reads the ticket as it is when the job runs. */
export function defineEmailJobs(
  tasks: JobTasks,
  {
    system,
    mailer,
    config,
    fileLinks,
    lifecycle,
    ratingLinks,
  }: {
    system: DataSource;
    mailer: Mailer;
    config: EmailConfig;
    fileLinks: EmailFileLinks;
    /** A reminder promises a close: none is sent while auto-close is off. */
    lifecycle: Pick<LifecycleConfig, 'autoCloseAfterHours'>;
    ratingLinks: RatingLinkSigner;
  },
): void {
  // On the owner's connections: the jobs act for no session and read what the change left.
  const asTeam = <T>(work: (manager: EntityManager) => Promise<T>) => system.transaction(work);
  const ticketOf = (manager: EntityManager, id: string) => manager.getRepository(SupportTicket).findOneBy({ id });

  /**
   * Builds one email: its reply address, unsubscribe link and links to the news' files are the
   * recipient's own.
   */
  const emailTo = async (
    recipient: Recipient,
    ticket: SupportTicket,
    { news, ...content }: Pick<EmailContent, 'intro' | 'earlier' | 'rating'> & { news: SupportReply[] },
  ) =>
    asTeam(async (manager) => {
      const replyToken = await issueToken(manager, 'reply', { userId: recipient.id, ticketId: ticket.id });
      const unsubscribeToken = await issueToken(manager, 'unsubscribe', { userId: recipient.id, ticketId: null });
      const unsubscribeUrl = `${config.publicUrl}/email/unsubscribe/${unsubscribeToken}`;
      const path = recipient.id === ticket.userId ? `/support/${ticket.id}` : `/admin/support/${ticket.id}`;
      const filesUntil = fileLinks.expiryFrom(new Date());
      const files = await fileLinks.filesOf(
        manager,
        news.map((reply) => reply.id),
      );
      const linked = await Promise.all(
        files.map(async (file) => ({
          replyId: file.replyId,
          name: file.name,
          size: file.size,
          url: `${config.publicUrl}${await fileLinks.pathFor(file, recipient.id, filesUntil)}`,
        })),
      );
      const rendered = renderEmail({
        ...content,
        news: news.map((reply) => ({ ...asMessage(reply), files: linked.filter((file) => file.replyId === reply.id) })),
        filesUntil,
        locale: recipient.locale,
        ticketNumber: ticket.ticketNumber,
        ticketSubject: ticket.subject,
        ticketUrl: `${config.publicUrl}${path}`,
        unsubscribeUrl,
      });
      return {
        ...rendered,
        to: recipient.email,
        ticketId: ticket.id,
        replyTo: `reply+${replyToken}@${config.inboundDomain}`,
        unsubscribeUrl,
      };
    });

  tasks.define('email.answer', async ({ ticketId }, { log }) => {
    const found = await asTeam(async (manager) => {
      const ticket = await ticketOf(manager, ticketId);
      // Read within the grace window (or gone): nothing to tell.
      if (!ticket || ticket.customerUnreadCount === 0) return null;
      const customer = await customerOf(manager, ticket);
      if (!customer) return null;
      const recent = await publicReplies(manager, ticket.id, ticket.customerUnreadCount + EARLIER_MESSAGES);
      const unread = recent.filter(customerHears).slice(0, ticket.customerUnreadCount);
      return unread.length ? { ticket, customer, recent, unread } : null;
    });
    if (!found) return void log.debug({ ticketId }, 'No answer email: read in time, or the customer wants none');
    const { ticket, customer, recent, unread } = found;
    const news = [...unread].reverse();
    const earlier = recent
      .filter((reply) => !unread.includes(reply))
      .slice(0, EARLIER_MESSAGES)
      .map(asMessage);
    const intro: Intro =
      unread.length === 1
        ? { key: 'email.answer.intro' as const, vars: { name: unread[0].senderName } }
        : { key: 'email.answer.introMany' as const, vars: { count: unread.length } };
    await mailer.deliver(`answer:${unread[0].id}:${customer.id}`, () => emailTo(customer, ticket, { intro, news, earlier }));
  });

  tasks.define('email.team', async ({ ticketId, replyId, event }) => {
    const found = await asTeam(async (manager) => {
      const ticket = await ticketOf(manager, ticketId);
      if (!ticket) return null;
      const recent = await publicReplies(manager, ticket.id, EARLIER_MESSAGES + 20);
      const reply = await manager.getRepository(SupportReply).findOneBy({ id: replyId });
      const [tenant] = await manager.query(`SELECT name FROM tenants WHERE id = $1`, [ticket.tenantId]);
      return reply && { ticket, reply, recent, tenant: tenant?.name ?? '', recipients: await teamRecipients(manager, ticket) };
    });
    if (!found) return;
    const { ticket, reply, recent, tenant, recipients } = found;
    const earlier = recent
      .filter((r) => r.createdAt < reply.createdAt)
      .slice(0, EARLIER_MESSAGES)
      .map(asMessage);
    const intro: Intro =
      event === 'new-ticket'
        ? { key: 'email.newTicket.intro' as const, vars: { name: reply.senderName, tenant, category: ticket.category } }
        : { key: 'email.customerReply.intro' as const, vars: { name: reply.senderName, tenant } };
    // One key per recipient: a retry after a partial run sends only to those not yet reached.
    for (const recipient of recipients) {
      await mailer.deliver(`${event}:${reply.id}:${recipient.id}`, () => emailTo(recipient, ticket, { intro, news: [reply], earlier }));
    }
  });

  tasks.define('email.closed', async (closing) => {
    const { ticketId } = closing;
    const found = await asTeam(async (manager) => {
      const ticket = await ticketOf(manager, ticketId);
      if (!ticket?.closedAt) return null;
      const customer = await customerOf(manager, ticket);
      // Rated in the app before this email went: no links that could only say "already rated".
      const [rated] = await manager.query(`SELECT 1 FROM ticket_ratings WHERE ticket_id = $1 AND closed_at = $2`, [
        ticket.id,
        ticket.closedAt,
      ]);
      return customer && { ticket, customer, rated: Boolean(rated), recent: await publicReplies(manager, ticket.id, EARLIER_MESSAGES) };
    });
    if (!found) return;
    const { ticket, customer, rated, recent } = found;
    const intro: Intro =
      'closedBy' in closing
        ? { key: 'email.closed.intro', vars: { name: closing.closedBy } }
        : { key: 'email.closed.auto', vars: { wait: describeWait(closing.autoClosedAfterHours, customer.locale) } };
    await mailer.deliver(`closed:${ticket.id}:${ticket.closedAt!.getTime()}:${customer.id}`, async () =>
      emailTo(customer, ticket, {
        intro,
        news: [],
        earlier: recent.map(asMessage),
        rating: rated ? undefined : await ratingLinksFor(ticket, customer.id),
      }),
    );
  });

  tasks.define('email.autoCloseReminder', async ({ ticketId, answeredAt, closeAt }) => {
    if (lifecycle.autoCloseAfterHours === null) return;
    const found = await asTeam(async (manager) => {
      const ticket = await ticketOf(manager, ticketId);
      // A reply, a status change or a later answer since (which has its own reminder) cancels it.
      if (!ticket || !awaitsCustomerSince(ticket, new Date(answeredAt))) return null;
      const customer = await customerOf(manager, ticket);
      return customer && { ticket, customer, recent: await publicReplies(manager, ticket.id, EARLIER_MESSAGES) };
    });
    if (!found) return;
    const { ticket, customer, recent } = found;
    // Once per answer and customer.
    await mailer.deliver(`auto-close-reminder:${ticket.id}:${Date.parse(answeredAt)}:${customer.id}`, () =>
      emailTo(customer, ticket, {
        intro: { key: 'email.autoCloseReminder.intro', vars: { date: when(new Date(closeAt), customer.locale) } },
        news: [],
        earlier: recent.map(asMessage),
      }),
    );
  });

  /** One-click links that rate the ticket's current close, signed for the recipient (docs/architecture.md §10). */
  const ratingLinksFor = async (ticket: SupportTicket, recipientId: string): Promise<RatingLinksBlock> => {
    const until = ratingLinks.expiryFrom(new Date());
    const paths = await ratingLinks.pathsFor(ticket, recipientId, until);
    return { until, links: paths.map(({ score, path }) => ({ score, url: `${config.publicUrl}${path}` })) };
  };
}
