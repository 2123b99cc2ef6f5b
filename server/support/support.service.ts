import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Actor, Viewer, isSuperadmin } from '../auth/viewer';
import { hydrate } from '../db/hydrate';
import { withViewer, withViewerInTurn } from '../db/viewer-transaction';
import { badInput, forbidden, notFound } from '../errors';
import { SupportReply } from './reply.entity';
import { SupportStats, SupportTicketConnection, SupportTicketFilter } from './support.types';
import { SupportTicket } from './ticket.entity';
import { countAllTickets } from './ticket-counts';
import { TicketCategory, TicketEvent, TicketStatus, nextStatus } from './ticket-status';

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 10_000;
export const MAX_PAGE_SIZE = 100;

/** What happened to a ticket, for those who watch it; sent only after the change committed. */
export interface TicketChange {
  ticket: SupportTicket;
  reply?: SupportReply;
  /** Set when a side marked the ticket read. */
  readBy?: 'customer' | 'admin';
  /** Unset only for a new ticket. */
  previousStatus?: TicketStatus;
}

export interface TicketChangeListener {
  ticketChanged(change: TicketChange): void;
}

export interface ListOptions {
  filter?: SupportTicketFilter | null;
  first?: number | null;
  after?: string | null;
  /** Only the viewer's own tickets, whatever their role. */
  mine?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** PostgreSQL text cannot hold NUL; such input is refused rather than failing in the database. */
function refuseNul(field: string, value: string): string {
  if (value.includes('\0')) throw badInput(field, `${field} must not contain NUL characters`);
  return value;
}

function requireText(field: string, value: string, max: number): string {
  const text = refuseNul(field, value).trim();
  if (!text) throw badInput(field, `${field} must not be blank`);
  if (text.length > max) throw badInput(field, `${field} must be at most ${max.toLocaleString('en')} characters`);
  return text;
}

function checkMutationId(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  if (!UUID.test(id)) throw badInput('clientMutationId', 'clientMutationId must be a UUID');
  return id.toLowerCase();
}

const mutationIdReused = () => badInput('clientMutationId', 'clientMutationId was already used for another request');

function encodeCursor(ticket: SupportTicket): string {
  return Buffer.from(`${ticket.updatedAt.toISOString()}|${ticket.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const updatedAt = new Date(iso);
  // Only an instant as encodeCursor writes it: PostgreSQL cannot hold every JavaScript date (year -271821).
  const issued = ISO_INSTANT.test(iso ?? '') && !Number.isNaN(updatedAt.getTime()) && updatedAt.toISOString() === iso;
  if (!id || !UUID.test(id) || !issued) throw badInput('after', 'after is not a valid cursor');
  return { updatedAt, id };
}

/** LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The rules of the support desk (DESIGN.md §1). Every read and write of tickets goes through here,
 * inside a transaction that knows its viewer; customers only ever reach their own tickets through
 * `visibleTickets`.
 */
export class SupportService {
  constructor(
    private readonly db: DataSource,
    private readonly listener: TicketChangeListener,
  ) {}

  /** The one place where a customer's view is narrowed to their own tickets. */
  private visibleTickets(manager: EntityManager, viewer: Actor): SelectQueryBuilder<SupportTicket> {
    const query = manager.createQueryBuilder(SupportTicket, 't');
    return isSuperadmin(viewer) ? query.where('true') : query.where('t.user_id = :viewerId', { viewerId: viewer.id });
  }

  /** Locks the ticket row so that concurrent writes on one ticket apply one after another. */
  private async lockTicket(manager: EntityManager, viewer: Viewer, id: string): Promise<SupportTicket> {
    const ticket = UUID.test(id)
      ? await this.visibleTickets(manager, viewer).andWhere('t.id = :id', { id }).setLock('pessimistic_write').getOne()
      : null;
    if (!ticket) throw notFound();
    return ticket;
  }

  /**
   * A write and the change it announces. Writes to an existing ticket take turns (`ticketId`), so
   * that subscribers hear of the changes in the order they were committed.
   */
  private async write<T>(viewer: Viewer, ticketId: string | null, work: (manager: EntityManager) => Promise<T & { change?: TicketChange }>) {
    const announce = (result: { change?: TicketChange }) => result.change && this.listener.ticketChanged(result.change);
    if (!ticketId) {
      const result = await withViewer(this.db, viewer, work);
      announce(result);
      return result;
    }
    if (!UUID.test(ticketId)) throw notFound();
    return withViewerInTurn(this.db, viewer, `ticket:${ticketId}`, work, announce);
  }

  async listTickets(viewer: Viewer, { filter, first, after, mine }: ListOptions): Promise<SupportTicketConnection> {
    const limit = first ?? 25;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    // An empty cursor is not one the server issued: refused like any other, not read as "from the start".
    const cursor = after != null ? decodeCursor(after) : null;
    return withViewer(this.db, viewer, async (manager) => {
      const query = this.visibleTickets(manager, viewer);
      if (mine) query.andWhere('t.user_id = :mine', { mine: viewer.id });
      if (filter?.status) query.andWhere('t.status = :status', { status: filter.status });
      if (filter?.category) query.andWhere('t.category = :category', { category: filter.category });
      const search = filter?.search && refuseNul('search', filter.search).trim();
      const found = search ? await this.applySearch(manager, query, search) : null;

      // The Lex team's unsearched lists count from the trigger-kept counts, not by reading every ticket;
      // a search with no other condition counts the matches it found (the viewer's, each once).
      const totalCount =
        found && !found.byNumber && !filter?.status && !filter?.category && !mine
          ? found.ids.length
          : isSuperadmin(viewer) && !mine && !search
            ? await countAllTickets(manager, filter ?? {})
            : await query.clone().getCount();
      if (cursor) query.andWhere('(t.updated_at, t.id) < (:cursorAt, :cursorId)', { cursorAt: cursor.updatedAt, cursorId: cursor.id });
      const rows = await query.orderBy('t.updated_at', 'DESC').addOrderBy('t.id', 'DESC').limit(limit + 1).getMany();
      const nodes = rows.slice(0, limit);
      return {
        nodes,
        totalCount,
        pageInfo: {
          hasNextPage: rows.length > limit,
          endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]) : null,
        },
      };
    });
  }

  private async applySearch(manager: EntityManager, query: SelectQueryBuilder<SupportTicket>, search: string): Promise<{ ids: string[]; byNumber: boolean }> {
    // Text matching runs in a database function that can use the trigram indexes under RLS; once per
    // request, as the count and the page both take its matches (it is most of a search's time).
    const [{ ids }] = await manager.query(`SELECT ARRAY(SELECT support_ticket_ids_matching($1)) AS ids`, [containing(search)]);
    const matches = 't.id = ANY(:ids)';
    const number = /^#?(\d{1,9})$/.exec(search);
    query.andWhere(number ? `(t.ticket_number = :number OR ${matches})` : matches, {
      ids,
      number: number ? Number(number[1]) : undefined,
    });
    return { ids, byNumber: Boolean(number) };
  }

  async getTicket(viewer: Viewer, id: string): Promise<SupportTicket | null> {
    if (!UUID.test(id)) return null;
    return withViewer(this.db, viewer, (manager) => this.visibleTickets(manager, viewer).andWhere('t.id = :id', { id }).getOne());
  }

  async createTicket(viewer: Viewer, input: { subject: string; category: TicketCategory; message: string; clientMutationId?: string | null }) {
    if (isSuperadmin(viewer) || !viewer.tenantId) throw forbidden('Only customers open tickets');
    const subject = requireText('subject', input.subject, MAX_SUBJECT_LENGTH);
    const message = requireText('message', input.message, MAX_MESSAGE_LENGTH);
    if (!Object.values(TicketCategory).includes(input.category)) throw badInput('category', 'category is not a known category');

    const mutationId = checkMutationId(input.clientMutationId);
    const { ticket } = await this.write(viewer, null, async (manager) => {
      const earlier = await this.claimMutationId(manager, viewer, mutationId);
      if (earlier) {
        if (!earlier.ticket_id || earlier.reply_id) throw mutationIdReused();
        return { ticket: (await this.visibleTickets(manager, viewer).andWhere('t.id = :id', { id: earlier.ticket_id }).getOne())! };
      }
      // The Lex team has not read the first message yet.
      const [row] = await manager.query(
        `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, admin_unread_count)
         VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING *`,
        [viewer.tenantId, viewer.id, viewer.email, viewer.name, subject, input.category],
      );
      const ticket = hydrate(manager, SupportTicket, row);
      const reply = await this.insertReply(manager, ticket.id, message, false, viewer.name);
      await this.recordMutation(manager, viewer, mutationId, ticket.id);
      return { ticket, change: { ticket, reply } };
    });
    return ticket;
  }

  async replyToTicket(viewer: Viewer, input: { ticketId: string; message: string; clientMutationId?: string | null }): Promise<SupportReply> {
    const message = requireText('message', input.message, MAX_MESSAGE_LENGTH);
    const mutationId = checkMutationId(input.clientMutationId);
    const { reply } = await this.write(viewer, input.ticketId, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, input.ticketId);
      const earlier = await this.claimMutationId(manager, viewer, mutationId);
      if (earlier) {
        if (!earlier.reply_id || earlier.ticket_id !== locked.id) throw mutationIdReused();
        return { reply: (await this.visibleReplies(manager, viewer).andWhere('r.id = :id', { id: earlier.reply_id }).getOne())! };
      }
      const fromAdmin = isSuperadmin(viewer);
      const reply = await this.insertReply(manager, locked.id, message, fromAdmin, viewer.name);
      // Writing a reply means having read the conversation; the other side has one more to read.
      const unread = fromAdmin
        ? 'customer_unread_count = customer_unread_count + 1, admin_unread_count = 0'
        : 'admin_unread_count = admin_unread_count + 1, customer_unread_count = 0';
      const ticket = await this.applyEvent(manager, locked, fromAdmin ? 'adminReply' : 'customerReply', unread);
      await this.recordMutation(manager, viewer, mutationId, ticket.id, reply.id);
      return { reply, change: { ticket, reply, previousStatus: locked.status } };
    });
    return reply;
  }

  /**
   * Claims a client mutation id for this write; for a retry (the id is taken, possibly by a
   * concurrent attempt that just committed) it returns what the first attempt produced.
   */
  private async claimMutationId(manager: EntityManager, viewer: Viewer, mutationId: string | null) {
    if (!mutationId) return null;
    const [claimed] = await manager.query(
      `INSERT INTO client_mutations (user_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id`,
      [viewer.id, mutationId],
    );
    if (claimed) return null;
    const [earlier] = await manager.query(`SELECT ticket_id, reply_id FROM client_mutations WHERE user_id = $1 AND id = $2`, [viewer.id, mutationId]);
    return earlier as { ticket_id: string | null; reply_id: string | null };
  }

  private async recordMutation(manager: EntityManager, viewer: Viewer, mutationId: string | null, ticketId: string, replyId: string | null = null) {
    if (!mutationId) return;
    await manager.query(`UPDATE client_mutations SET ticket_id = $3, reply_id = $4 WHERE user_id = $1 AND id = $2`, [viewer.id, mutationId, ticketId, replyId]);
  }

  /** Either side may close; closing a closed ticket changes nothing. */
  async closeTicket(viewer: Viewer, id: string): Promise<SupportTicket> {
    return this.changeStatus(viewer, id, 'close');
  }

  /** The superadmin's buttons: Mark In Progress, Mark Resolved (closed) and Reopen (open). */
  async setTicketStatus(viewer: Viewer, id: string, status: TicketStatus): Promise<SupportTicket> {
    if (!isSuperadmin(viewer)) throw forbidden();
    const events: Partial<Record<TicketStatus, TicketEvent>> = {
      [TicketStatus.IN_PROGRESS]: 'markInProgress',
      [TicketStatus.CLOSED]: 'close',
      [TicketStatus.OPEN]: 'reopen',
    };
    const event = events[status];
    if (!event) throw badInput('status', 'A ticket becomes ANSWERED by a reply from the Lex team');
    return this.changeStatus(viewer, id, event);
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

  /** Moves a locked ticket by the status machine; every change also moves `updated_at`. */
  private async applyEvent(manager: EntityManager, ticket: SupportTicket, event: TicketEvent, extraSet?: string) {
    const next = nextStatus(ticket.status, event);
    if (!next) throw new Error(`${event} does not apply to a ${ticket.status} ticket`);
    const [[row]] = await manager.query(
      `UPDATE support_tickets
          SET status = $2, updated_at = clock_timestamp(),
              closed_at = CASE WHEN $2 = 'closed' THEN coalesce(closed_at, clock_timestamp()) END
              ${extraSet ? `, ${extraSet}` : ''}
        WHERE id = $1 RETURNING *`,
      [ticket.id, next],
    );
    return hydrate(manager, SupportTicket, row);
  }

  private async insertReply(manager: EntityManager, ticketId: string, message: string, isAdmin: boolean, senderName: string) {
    const [row] = await manager.query(
      `INSERT INTO support_replies (ticket_id, message, is_admin, sender_name) VALUES ($1, $2, $3, $4) RETURNING *`,
      [ticketId, message, isAdmin, senderName],
    );
    return hydrate(manager, SupportReply, row);
  }

  /** Clears the viewer's side of the unread count. */
  async markTicketRead(viewer: Viewer, id: string): Promise<SupportTicket> {
    const side = isSuperadmin(viewer) ? 'admin' : 'customer';
    const { ticket } = await this.write(viewer, id, async (manager) => {
      const locked = await this.lockTicket(manager, viewer, id);
      const column = side === 'admin' ? 'adminUnreadCount' : 'customerUnreadCount';
      if (locked[column] === 0) return { ticket: locked };
      const [[row]] = await manager.query(`UPDATE support_tickets SET ${side}_unread_count = 0 WHERE id = $1 RETURNING *`, [locked.id]);
      const ticket = hydrate(manager, SupportTicket, row);
      return { ticket, change: { ticket, readBy: side, previousStatus: ticket.status } };
    });
    return ticket;
  }

  async stats(viewer: Viewer): Promise<SupportStats> {
    if (!isSuperadmin(viewer)) throw forbidden();
    const rows: { status: TicketStatus; count: number }[] = await withViewer(this.db, viewer, (manager) =>
      manager.query(`SELECT status, sum(tickets)::int AS count FROM support_ticket_counts GROUP BY status`),
    );
    const count = (status: TicketStatus) => rows.find((r) => r.status === status)?.count ?? 0;
    return {
      open: count(TicketStatus.OPEN),
      inProgress: count(TicketStatus.IN_PROGRESS),
      answered: count(TicketStatus.ANSWERED),
      closed: count(TicketStatus.CLOSED),
      total: rows.reduce((sum, r) => sum + r.count, 0),
    };
  }

  /** Replies from the other side the viewer has not read, over all tickets they can see. */
  async unreadReplyCount(viewer: Viewer): Promise<number> {
    if (!isSuperadmin(viewer)) return (await this.badge(viewer)).count;
    const [row] = await withViewer(this.db, viewer, (manager) =>
      manager.query(`SELECT coalesce(sum(admin_unread), 0)::int AS n FROM support_ticket_counts`),
    );
    return row.n;
  }

  /**
   * The navigation badge: unread Lex-team replies for a customer, open tickets for the Lex team;
   * `asOf` is when it was counted.
   */
  async badge(viewer: Actor): Promise<{ count: number; asOf: Date }> {
    // One statement each, without a transaction of its own: every reply recounts a badge, and the
    // four round trips of a viewer transaction were a fifth of a reply's SQL (issue 8).
    const [row] = isSuperadmin(viewer)
      ? await this.db.query(`SELECT coalesce(sum(tickets), 0)::int AS count, statement_timestamp() AS "asOf" FROM support_ticket_counts WHERE status = 'open'`)
      : await this.db.query(`SELECT support_customer_unread($1) AS count, statement_timestamp() AS "asOf"`, [viewer.id]);
    return row;
  }

  /** The one place where a customer's view of replies is narrowed to replies on their own tickets. */
  private visibleReplies(manager: EntityManager, viewer: Actor): SelectQueryBuilder<SupportReply> {
    const query = manager.createQueryBuilder(SupportReply, 'r');
    return isSuperadmin(viewer)
      ? query.where('true')
      : query.innerJoin(SupportTicket, 't', 't.id = r.ticket_id').where('t.user_id = :viewerId', { viewerId: viewer.id });
  }

  /** Replies of many tickets at once, oldest first (for the per-request loaders). */
  async repliesOf(viewer: Viewer, ticketIds: readonly string[]): Promise<SupportReply[]> {
    return withViewer(this.db, viewer, (manager) =>
      this.visibleReplies(manager, viewer)
        .andWhere('r.ticket_id = ANY(:ids)', { ids: ticketIds })
        .orderBy('r.created_at', 'ASC')
        .addOrderBy('r.id', 'ASC')
        .getMany(),
    );
  }

  /** The newest reply of each of many tickets. */
  async lastRepliesOf(viewer: Viewer, ticketIds: readonly string[]): Promise<SupportReply[]> {
    // One index probe per ticket (the newest entry of (ticket_id, created_at, id)), whatever the
    // length of its conversation: DISTINCT ON read every reply of every ticket on the page, 128 ms
    // for a page with a few long conversations at 1M tickets (issue 8, measured).
    return withViewer(this.db, viewer, async (manager) => {
      // The tickets come through the one scoped query, as every read does.
      const [visible, parameters] = this.visibleTickets(manager, viewer)
        .select('t.id', 'id')
        .andWhere('t.id = ANY(:ids)', { ids: ticketIds })
        .getQueryAndParameters();
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT last.* FROM (${visible}) ticket
           CROSS JOIN LATERAL (
             SELECT * FROM support_replies r WHERE r.ticket_id = ticket.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) last`,
        parameters,
      );
      return rows.map((row) => hydrate(manager, SupportReply, row));
    });
  }
}
