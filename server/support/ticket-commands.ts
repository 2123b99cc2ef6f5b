import { DataSource, EntityManager } from 'typeorm';
import { attachUploads, requireAttachmentIds } from '../attachments/attachment-links';
import { Viewer, isSuperadmin } from '../auth/viewer';
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH } from '../contract';
import { hydrate } from '../db/hydrate';
import { withSystemInTurn, withViewer, withViewerInTurn } from '../db/viewer-transaction';
import { badInput, forbidden, notFound } from '../errors';
import { claimMutationId, mutationIdReused, recordMutation, requireMutationId } from './client-mutations';
import { ReplyChannel, SupportReply } from './reply.entity';
import { TeamMembers } from '../team/team-members';
import type { TicketLifecycle } from '../lifecycle/ticket-lifecycle';
import { isUuid, requireText } from './support-input';
import { SupportTicket } from './ticket.entity';
import { visibleReplies, visibleTickets } from './ticket-queries';
import { TicketCategory, TicketEvent, TicketStatus, nextStatus } from './ticket-status';

/** Who writes: a signed-in viewer, or the user an email came from. */
export type Author = Pick<Viewer, 'id' | 'role' | 'name' | 'email' | 'tenantId' | 'sessionKey'>;

/** The two sides of a conversation, each with its own unread count. */
export type Side = 'customer' | 'admin';

const sideOf = (viewer: Author): Side => (isSuperadmin(viewer) ? 'admin' : 'customer');

/** What happened to a ticket, for those who watch it; sent only after the change committed. */
export interface TicketChange {
  ticket: SupportTicket;
  reply?: SupportReply;
  /** Set when a side marked the ticket read. */
  readBy?: Side;
  /** Unset only for a new ticket. */
  previousStatus?: TicketStatus;
  /** Set when only the Lex team may hear of the change (an assignment). */
  teamOnly?: boolean;
  /** Set when the assignee changed: the new one (null: nobody), and the name of the one before. */
  assignment?: { assignee: { id: string; name: string } | null; previousName: string | null };
  /** Set when the auto-close job closed the ticket (the system, no author): after this many hours without the customer's reply. */
  autoClosedAfterHours?: number;
  /** Set when the customer rated the ticket's close (docs/architecture.md §10). */
  rated?: boolean;
}

export interface TicketChangeListener {
  ticketChanged(change: TicketChange): void;
}

/** Writes what a change causes later (such as its emails) into the change's own transaction. */
export interface TicketChangeOutbox {
  /** `author` null: the system made the change (the auto-close job). */
  record(manager: EntityManager, change: TicketChange, author: Author | null): Promise<void>;
}

const STATUS_EVENTS: Partial<Record<TicketStatus, TicketEvent>> = {
  [TicketStatus.IN_PROGRESS]: 'markInProgress',
  [TicketStatus.CLOSED]: 'close',
  [TicketStatus.OPEN]: 'reopen',
};

/**
 * The writes of the support desk (docs/architecture.md, the rules): open, reply, close, change
 * status, mark read. Each runs in a transaction that knows its viewer, locks the ticket it changes,
 * moves it by the status machine, and announces the change to the listener once committed.
 */
export class TicketCommands {
  constructor(
    private readonly db: DataSource,
    /** The owner's connections, for the changes the system makes (the auto-close job). */
    private readonly system: DataSource,
    private readonly listener: TicketChangeListener,
    private readonly outbox: TicketChangeOutbox,
    private readonly team: TeamMembers,
    private readonly lifecycle: TicketLifecycle,
  ) {}

  async createTicket(
    viewer: Author,
    input: {
      subject: string;
      category: TicketCategory;
      message: string;
      attachmentIds?: string[] | null;
      clientMutationId?: string | null;
      via?: ReplyChannel;
    },
  ) {
    if (isSuperadmin(viewer) || !viewer.tenantId) throw forbidden('Only customers open tickets');
    const subject = requireText('subject', input.subject, MAX_SUBJECT_LENGTH);
    const message = requireText('message', input.message, MAX_MESSAGE_LENGTH);
    if (!Object.values(TicketCategory).includes(input.category)) throw badInput('category', 'category is not a known category');
    const attachmentIds = requireAttachmentIds(input.attachmentIds);

    const mutationId = requireMutationId(input.clientMutationId);
    const { ticket } = await this.write(viewer, null, async (manager) => {
      const earlier = await claimMutationId(manager, viewer, mutationId);
      if (earlier) {
        if (!earlier.ticketId || earlier.replyId) throw mutationIdReused();
        return { ticket: (await visibleTickets(manager, viewer).andWhere('t.id = :id', { id: earlier.ticketId }).getOne())! };
      }
      // The Lex team has not read the first message yet. The first response is due counting from
      // the ticket's created_at: the transaction's now(), to the millisecond as the column keeps it.
      const [{ now }] = await manager.query(`SELECT now()::timestamptz(3) AS now`);
      const [row] = await manager.query(
        `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, admin_unread_count, first_response_due_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING *`,
        [viewer.tenantId, viewer.id, viewer.email, viewer.name, subject, input.category, this.lifecycle.firstResponseDueAt(now)],
      );
      const ticket = hydrate(manager, SupportTicket, row);
      const reply = await this.insertReply(manager, ticket.id, message, viewer, attachmentIds, input.via);
      await recordMutation(manager, viewer, mutationId, { ticketId: ticket.id, replyId: null });
      return { ticket, change: { ticket, reply } };
    });
    return ticket;
  }

  /**
   * A reply, or with `internal` a note for the Lex team: a note is only stored and told to the team; it
   * changes no status, no unread count and not `updated_at`, which the customer sees (docs/architecture.md §8).
   */
  async replyToTicket(
    viewer: Author,
    input: {
      ticketId: string;
      message: string;
      attachmentIds?: string[] | null;
      internal?: boolean | null;
      clientMutationId?: string | null;
      via?: ReplyChannel;
    },
  ): Promise<SupportReply> {
    // Refused before the ticket is looked at, so that it tells nothing about the ticket.
    const internal = input.internal === true;
    if (internal && !isSuperadmin(viewer)) throw forbidden('Only the Lex team writes internal notes');
    const message = requireText('message', input.message, MAX_MESSAGE_LENGTH);
    const attachmentIds = requireAttachmentIds(input.attachmentIds);
    const mutationId = requireMutationId(input.clientMutationId);
    const { reply } = await this.write(viewer, input.ticketId, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, input.ticketId);
      const earlier = await claimMutationId(manager, viewer, mutationId);
      if (earlier) {
        if (!earlier.replyId || earlier.ticketId !== locked.id) throw mutationIdReused();
        return { reply: (await visibleReplies(manager, viewer).andWhere('r.id = :id', { id: earlier.replyId }).getOne())! };
      }
      const reply = await this.insertReply(manager, locked.id, message, viewer, attachmentIds, input.via, internal);
      if (internal) {
        await recordMutation(manager, viewer, mutationId, { ticketId: locked.id, replyId: reply.id });
        return { reply, change: { ticket: locked, reply, previousStatus: locked.status } };
      }
      const ticket = await this.applyEvent(manager, locked, reply.isAdmin ? 'adminReply' : 'customerReply', { author: viewer, reply });
      await recordMutation(manager, viewer, mutationId, { ticketId: ticket.id, replyId: reply.id });
      const assignment =
        ticket.assigneeId !== locked.assigneeId ? { assignee: { id: viewer.id, name: viewer.name }, previousName: null } : undefined;
      return { reply, change: { ticket, reply, previousStatus: locked.status, assignment } };
    });
    return reply;
  }

  /** Either side may close; closing a closed ticket changes nothing. */
  async closeTicket(viewer: Viewer, id: string): Promise<SupportTicket> {
    return this.changeStatus(viewer, id, 'close');
  }

  /** The superadmin's buttons: Mark In Progress, Mark Resolved (closed) and Reopen (open). */
  async setTicketStatus(viewer: Viewer, id: string, status: TicketStatus): Promise<SupportTicket> {
    if (!isSuperadmin(viewer)) throw forbidden();
    const event = STATUS_EVENTS[status];
    if (!event) throw badInput('status', 'A ticket becomes ANSWERED by a reply from the Lex team');
    return this.changeStatus(viewer, id, event);
  }

  /**
   * Gives the ticket to a Lex team member, or to nobody (`assigneeId` null). It is not conversation
   * activity: `updated_at` stays, and only the team hears of it (docs/architecture.md §8).
   */
  async assignTicket(viewer: Viewer, id: string, assigneeId: string | null | undefined): Promise<SupportTicket> {
    if (!isSuperadmin(viewer)) throw forbidden();
    const assignee = await this.team.requireAssignee(assigneeId);
    const { ticket } = await this.write(viewer, id, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, id);
      if (locked.assigneeId === (assignee?.id ?? null)) return { ticket: locked };
      const [[row]] = await manager.query(`UPDATE support_tickets SET assignee_id = $2 WHERE id = $1 RETURNING *`, [
        locked.id,
        assignee?.id ?? null,
      ]);
      const ticket = hydrate(manager, SupportTicket, row);
      const [previous] = locked.assigneeId ? await this.team.byIds([locked.assigneeId]) : [];
      const assignment = { assignee: assignee && { id: assignee.id, name: assignee.name }, previousName: previous?.name ?? null };
      return { ticket, change: { ticket, previousStatus: ticket.status, teamOnly: true, assignment } };
    });
    return ticket;
  }

  /** Clears the viewer's side of the unread count. */
  async markTicketRead(viewer: Viewer, id: string): Promise<SupportTicket> {
    const side = sideOf(viewer);
    const { ticket } = await this.write(viewer, id, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, id);
      if (unreadOf(locked, side) === 0) return { ticket: locked };
      const [[row]] = await manager.query(
        `UPDATE support_tickets
            SET admin_unread_count = CASE WHEN $2 = 'admin' THEN 0 ELSE admin_unread_count END,
                customer_unread_count = CASE WHEN $2 = 'customer' THEN 0 ELSE customer_unread_count END
          WHERE id = $1 RETURNING *`,
        [locked.id, side],
      );
      const ticket = hydrate(manager, SupportTicket, row);
      return { ticket, change: { ticket, readBy: side, previousStatus: ticket.status } };
    });
    return ticket;
  }

  /**
   * A change another feature makes to one ticket (a rating): `work` runs in the ticket's turn with its
   * row locked, and its change is recorded and announced as the commands' own are.
   */
  async changeTicket<T>(
    viewer: Author,
    id: string,
    work: (manager: EntityManager, locked: SupportTicket) => Promise<T & { change?: TicketChange }>,
  ): Promise<T> {
    return this.write(viewer, id, async (manager) => work(manager, await this.lockTicket(manager, viewer, id)));
  }

  private async changeStatus(viewer: Viewer, id: string, event: TicketEvent): Promise<SupportTicket> {
    const { ticket } = await this.write(viewer, id, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, id);
      const next = nextStatus(locked.status, event);
      if (!next) throw badInput('status', `A ${locked.status.replace('_', ' ')} ticket cannot be reopened`);
      if (next === locked.status) return { ticket: locked };
      const ticket = await this.applyEvent(manager, locked, event);
      return { ticket, change: { ticket, previousStatus: locked.status } };
    });
    return ticket;
  }

  /**
   * The auto-close job's change (docs/architecture.md §10): closes, as the system, a ticket that still
   * waits for the customer since the answer the job counted from (`answeredAt`, the ticket's
   * `updated_at` then). Any change since moved `updated_at` (a customer's reply, a status button, a
   * later answer, which queued its own job), so a change committed first cancels the close; one
   * committed after it applies to the closed ticket (a reply reopens it). Returns whether it closed.
   */
  async autoCloseTicket(id: string, answeredAt: Date, afterHours: number): Promise<boolean> {
    const { change } = await this.write(null, id, async (manager) => {
      // The system sees every ticket (the owner's connection); one that is gone has nothing to close.
      const [row] = await manager.query(`SELECT * FROM support_tickets WHERE id = $1 FOR UPDATE`, [id]);
      const locked = row && hydrate(manager, SupportTicket, row);
      if (!locked || !nextStatus(locked.status, 'autoClose') || locked.updatedAt.getTime() !== answeredAt.getTime()) return {};
      const ticket = await this.applyEvent(manager, locked, 'autoClose');
      return { change: { ticket, previousStatus: locked.status, autoClosedAfterHours: afterHours } };
    });
    return change !== undefined;
  }

  /**
   * A write and the change it announces. Writes to an existing ticket take turns (`ticketId`), so
   * that subscribers hear of the changes in the order they were committed. `viewer` null: the
   * system, on the owner's connections.
   */
  private async write<T>(
    viewer: Author | null,
    ticketId: string | null,
    work: (manager: EntityManager) => Promise<T & { change?: TicketChange }>,
  ) {
    const announce = (result: { change?: TicketChange }) => result.change && this.listener.ticketChanged(result.change);
    // The change's timeline, and what it causes later, are written with it: they exist if and only if it commits.
    const workAndOutbox = async (manager: EntityManager) => {
      const result = await work(manager);
      if (result.change) {
        await this.lifecycle.record(manager, result.change, viewer);
        await this.outbox.record(manager, result.change, viewer);
      }
      return result;
    };
    if (!ticketId) {
      const result = await withViewer(this.db, viewer!, workAndOutbox);
      announce(result);
      return result;
    }
    if (!isUuid(ticketId)) throw notFound();
    const turn = `ticket:${ticketId}`;
    return viewer
      ? withViewerInTurn(this.db, viewer, turn, workAndOutbox, announce)
      : withSystemInTurn(this.system, turn, workAndOutbox, announce);
  }

  /** Locks the ticket row so that concurrent writes on one ticket apply one after another. */
  private async lockTicket(manager: EntityManager, viewer: Author, id: string): Promise<SupportTicket> {
    const ticket = isUuid(id)
      ? await visibleTickets(manager, viewer).andWhere('t.id = :id', { id }).setLock('pessimistic_write').getOne()
      : null;
    if (!ticket) throw notFound();
    return ticket;
  }

  /**
   * Moves a locked ticket by the status machine; every change also moves `updated_at`. A public reply
   * (`replied`) means its writer has read the conversation and the other side has one more to read;
   * a Lex team member's public reply to an unassigned ticket makes it theirs, and the first is the
   * ticket's first response.
   */
  private async applyEvent(
    manager: EntityManager,
    ticket: SupportTicket,
    event: TicketEvent,
    replied: { author: Author; reply: SupportReply } | null = null,
  ) {
    const next = nextStatus(ticket.status, event);
    if (!next) throw new Error(`${event} does not apply to a ${ticket.status} ticket`);
    const side = replied && sideOf(replied.author);
    const team = side === 'admin';
    const [[row]] = await manager.query(
      `UPDATE support_tickets
          SET status = $2, updated_at = clock_timestamp(),
              closed_at = CASE WHEN $2 = 'closed' THEN coalesce(closed_at, clock_timestamp()) END,
              customer_unread_count = CASE $3::text WHEN 'admin' THEN customer_unread_count + 1 WHEN 'customer' THEN 0 ELSE customer_unread_count END,
              admin_unread_count = CASE $3::text WHEN 'customer' THEN admin_unread_count + 1 WHEN 'admin' THEN 0 ELSE admin_unread_count END,
              assignee_id = coalesce(assignee_id, $4::uuid),
              first_response_at = coalesce(first_response_at, (SELECT created_at FROM support_replies WHERE id = $5::uuid))
        WHERE id = $1 RETURNING *`,
      [ticket.id, next, side, team ? replied!.author.id : null, team ? replied!.reply.id : null],
    );
    return hydrate(manager, SupportTicket, row);
  }

  /** Inserts a reply with its files (the author's own uploads, locked and attached in this transaction). */
  private async insertReply(
    manager: EntityManager,
    ticketId: string,
    message: string,
    author: Author,
    attachmentIds: string[],
    via = ReplyChannel.WEB,
    internal = false,
  ) {
    const [row] = await manager.query(
      `INSERT INTO support_replies (ticket_id, message, is_admin, sender_name, via, is_internal) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [ticketId, message, isSuperadmin(author), author.name, via, internal],
    );
    const reply = hydrate(manager, SupportReply, row);
    await attachUploads(manager, author, reply.id, attachmentIds);
    return reply;
  }
}

const unreadOf = (ticket: SupportTicket, side: Side) => (side === 'admin' ? ticket.adminUnreadCount : ticket.customerUnreadCount);
