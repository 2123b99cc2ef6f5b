import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Actor, Viewer, isSuperadmin } from '../auth/viewer';
import { hydrate } from '../db/hydrate';
import { MAX_CUSTOMER_TICKETS } from '../contract';
import { badInput } from '../errors';
import { readAsViewer } from '../db/viewer-transaction';
import { Tenant } from '../accounts/tenant.entity';
import { SupportReply } from './reply.entity';
import { RepliesPage, isUuid, refuseNul, requirePageSize, requireRepliesPage, validRepliesPage } from './support-input';
import { SupportTicketOrder, decodeCursor, encodeCursor, keysetOf } from './ticket-order';
import { SupportTicketConnection, SupportTicketFilter } from './support.types';
import { SupportTicket } from './ticket.entity';
import { countAllTickets, countAssignedTickets, countSlaTickets } from './ticket-counts';
import { countMatches, pageOfMatches, ticketNumberSearched } from './ticket-search';
import { slaBreachedSql } from '../lifecycle/sla';

export interface ListOptions {
  filter?: SupportTicketFilter | null;
  first?: number | null;
  after?: string | null;
  orderBy?: SupportTicketOrder | null;
  /** Only the viewer's own tickets, whatever their role. */
  mine?: boolean;
  /** What the request asks of each ticket, read with the page (`SupportTicket.tenant`, `.lastReply`). */
  with?: { tenant?: boolean; lastReply?: boolean };
}

/** What a request asks of one ticket, read with it (`SupportTicket.tenant`, `.replies`). */
export interface TicketReads {
  tenant?: boolean;
  /** The page of the conversation its `replies` field asks for. */
  replies?: RepliesPage;
}

/** Joins each ticket's tenant (mapped to `SupportTicket.tenant`): a probe of the tenants' key. */
const withTenant = (query: SelectQueryBuilder<SupportTicket>) =>
  query.leftJoinAndMapOne('t.tenant', Tenant, 'tenant', 'tenant.id = t.tenant_id');

/** The one place where a customer's view is narrowed to their own tickets. */
export function visibleTickets(manager: EntityManager, viewer: Actor): SelectQueryBuilder<SupportTicket> {
  const query = manager.createQueryBuilder(SupportTicket, 't');
  return isSuperadmin(viewer) ? query.where('true') : query.where('t.user_id = :viewerId', { viewerId: viewer.id });
}

/** Internal notes are the Lex team's: SQL that leaves them out of a customer's replies (`alias` names the replies). */
const repliesSeenBy = (viewer: Actor, alias: string) => (isSuperadmin(viewer) ? 'true' : `NOT ${alias}.is_internal`);

/** The one place where a customer's view of replies is narrowed to the public replies on their own tickets. */
export function visibleReplies(manager: EntityManager, viewer: Actor): SelectQueryBuilder<SupportReply> {
  const query = manager.createQueryBuilder(SupportReply, 'r');
  return isSuperadmin(viewer)
    ? query.where('true')
    : query
        .innerJoin(SupportTicket, 't', 't.id = r.ticket_id')
        .where(`t.user_id = :viewerId AND ${repliesSeenBy(viewer, 'r')}`, { viewerId: viewer.id });
}

/** SQL for the newest reply the viewer may see of the ticket aliased `ticket`, as `columns` of `r`: one index probe. */
const newestReply = (viewer: Actor, ticket: string, columns: string) =>
  `SELECT ${columns} FROM support_replies r WHERE r.ticket_id = ${ticket}.id AND ${repliesSeenBy(viewer, 'r')}
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;

/**
 * Reading tickets and replies: lists, search, one ticket, and the batched reads of the per-request
 * loaders. Every read runs in a transaction that knows its viewer and goes through the scopes above.
 */
export class TicketQueries {
  constructor(private readonly db: DataSource) {}

  async listTickets(viewer: Viewer, { filter, first, after, orderBy, mine, with: nested }: ListOptions): Promise<SupportTicketConnection> {
    const limit = requirePageSize(first);
    const keyset = keysetOf(orderBy);
    // An empty cursor is not one the server issued: refused like any other, not read as "from the start".
    const cursor = after != null ? decodeCursor(keyset, after) : null;
    return readAsViewer(this.db, viewer, async (manager) => {
      const query = visibleTickets(manager, viewer);
      if (mine) query.andWhere('t.user_id = :mine', { mine: viewer.id });
      if (filter?.status) query.andWhere('t.status = :status', { status: filter.status });
      if (filter?.category) query.andWhere('t.category = :category', { category: filter.category });
      // A literal, so that the planner matches the partial indexes of open work (migration OpenWork).
      if (filter?.notClosed != null) query.andWhere(filter.notClosed ? `t.status <> 'closed'` : `t.status = 'closed'`);
      const byAssignee = this.applyAssignment(query, filter);
      // Team lists only (supportTickets); the partial index support_tickets_sla_idx serves `true`, countSlaTickets the count.
      const bySla = filter?.slaBreached != null;
      if (bySla) query.andWhere(slaBreachedSql(filter!.slaBreached!));
      const search = filter?.search && refuseNul('search', filter.search).trim();
      const number = search ? ticketNumberSearched(search) : null;
      if (number != null) query.andWhere('t.ticket_number = :number', { number });
      const narrowed = Boolean(mine || filter?.status || filter?.category || filter?.notClosed != null || byAssignee || bySla);
      const words = search && number == null ? await countMatches(manager, search, narrowed ? query : null) : null;

      // The Lex team's unsearched lists count from the trigger-kept counts, not by reading every ticket
      // (per status and category, or per assignee); a search counts its matches up to a cap.
      const noOtherCondition = !mine && !search && !filter?.status && !filter?.category;
      const totalCount = words
        ? words.count
        : isSuperadmin(viewer) && !mine && !search && !byAssignee
          ? bySla
            ? await countSlaTickets(manager, { ...filter, slaBreached: filter!.slaBreached! })
            : await countAllTickets(manager, filter ?? {})
          : isSuperadmin(viewer) && noOtherCondition && byAssignee && !bySla
            ? await countAssignedTickets(manager, filter!)
            : await query.clone().getCount();
      if (cursor) query.andWhere(keyset.after, cursor);
      // The nodes' tenant and newest reply come with the page when asked for, in its statement
      // (docs/architecture.md §2, "Round trips"): a join on the tenant's key, and per ticket a
      // subquery of one index probe (a join on it would not pass row-level security's barrier).
      if (nested?.tenant) withTenant(query);
      if (nested?.lastReply) query.addSelect(`(${newestReply(viewer, 't', 'to_jsonb(r)')})`, 'last_reply');
      const read = async (page: SelectQueryBuilder<SupportTicket>) => {
        const { raw, entities } = await page.getRawAndEntities();
        if (nested?.lastReply) {
          const lastReplies = new Map(raw.map((row) => [row.t_id as string, row.last_reply as Record<string, unknown> | null]));
          for (const ticket of entities) {
            const reply = lastReplies.get(ticket.id);
            ticket.lastReply = reply ? hydrate(manager, SupportReply, reply) : null;
          }
        }
        return entities;
      };
      // Each order × filter walks an index in list order (docs/architecture.md §8, "Orders"); a search
      // reads its matches in list order, a round at a time ("Search").
      const rows = words
        ? await pageOfMatches(
            manager,
            query,
            { search: search!, order: orderBy ?? SupportTicketOrder.UPDATED_DESC, keyset, cursor, limit, narrowed, capped: words.capped },
            read,
          )
        : await read(query.orderBy(keyset.orderBy).limit(limit + 1));
      const nodes = rows.slice(0, limit);
      return {
        nodes,
        totalCount,
        totalCountCapped: Boolean(words?.capped),
        pageInfo: {
          hasNextPage: rows.length > limit,
          endCursor: nodes.length ? encodeCursor(keyset, nodes[nodes.length - 1]) : null,
        },
      };
    });
  }

  /** The "Mine" and "Unassigned" views; true when the filter narrowed the list by assignee. */
  private applyAssignment(query: SelectQueryBuilder<SupportTicket>, filter: SupportTicketFilter | null | undefined): boolean {
    const { assigneeId, unassigned } = filter ?? {};
    if (assigneeId != null) {
      if (!isUuid(assigneeId)) throw badInput('assigneeId', 'assigneeId must be the id of a Lex team member');
      query.andWhere('t.assignee_id = :assigneeId', { assigneeId });
    }
    if (unassigned != null) query.andWhere(unassigned ? 't.assignee_id IS NULL' : 't.assignee_id IS NOT NULL');
    return assigneeId != null || unassigned != null;
  }

  /** The customer's other tickets, newest update first: their `(user_id, updated_at, id)` index, read in order. */
  async customerTickets(viewer: Viewer, ticketId: string, first: number): Promise<SupportTicket[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_CUSTOMER_TICKETS)
      throw badInput('first', `first must be between 1 and ${MAX_CUSTOMER_TICKETS}`);
    if (!isUuid(ticketId)) throw badInput('ticketId', 'ticketId must be the id of a ticket');
    return readAsViewer(this.db, viewer, (manager) =>
      visibleTickets(manager, viewer)
        // The ticket itself is read under row-level security too: another customer's names no one.
        .andWhere('t.user_id = (SELECT o.user_id FROM support_tickets o WHERE o.id = :ticketId)', { ticketId })
        .andWhere('t.id <> :ticketId')
        .orderBy({ 't.updated_at': 'DESC', 't.id': 'DESC' })
        .limit(first)
        .getMany(),
    );
  }

  /** One ticket, with its tenant and a page of its conversation when asked for, in one transaction. */
  async getTicket(viewer: Viewer, id: string, nested: TicketReads = {}): Promise<SupportTicket | null> {
    if (!isUuid(id)) return null;
    // A page the `replies` field refuses is left to it, so that only that field fails.
    const page = nested.replies && validRepliesPage(nested.replies);
    return readAsViewer(this.db, viewer, async (manager) => {
      const query = visibleTickets(manager, viewer).andWhere('t.id = :id', { id });
      if (nested.tenant) withTenant(query);
      const ticket = await query.getOne();
      if (ticket && page) ticket.replies = await this.pagesOf(manager, viewer, [id], page);
      return ticket;
    });
  }

  /**
   * One page of the conversation of each of many tickets (for the per-request loaders): its last
   * `last` replies before `before`, oldest first. One index probe per ticket, as for lastRepliesOf.
   */
  async repliesOf(viewer: Viewer, ticketIds: readonly string[], page: RepliesPage = {}): Promise<SupportReply[]> {
    const valid = requireRepliesPage(page);
    return readAsViewer(this.db, viewer, (manager) => this.pagesOf(manager, viewer, ticketIds, valid));
  }

  private async pagesOf(
    manager: EntityManager,
    viewer: Viewer,
    ticketIds: readonly string[],
    { last, before }: { last: number; before: string | null },
  ): Promise<SupportReply[]> {
    const [visible, parameters] = visibleTickets(manager, viewer)
      .select('t.id', 'id')
      .andWhere('t.id = ANY(:ids)', { ids: ticketIds })
      .getQueryAndParameters();
    const n = parameters.length;
    // A cursor that is not a reply of this ticket leaves nothing before it: an empty page.
    const beforeCursor = before
      ? `AND (r.created_at, r.id) < (SELECT c.created_at, c.id FROM support_replies c WHERE c.id = $${n + 2} AND c.ticket_id = ticket.id AND ${repliesSeenBy(viewer, 'c')})`
      : '';
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT page.* FROM (${visible}) ticket
         CROSS JOIN LATERAL (
           SELECT * FROM support_replies r WHERE r.ticket_id = ticket.id AND ${repliesSeenBy(viewer, 'r')} ${beforeCursor}
            ORDER BY r.created_at DESC, r.id DESC LIMIT $${n + 1}) page
        ORDER BY page.created_at, page.id`,
      before ? [...parameters, last, before] : [...parameters, last],
    );
    return rows.map((row) => hydrate(manager, SupportReply, row));
  }

  /** The newest reply of each of many tickets. */
  async lastRepliesOf(viewer: Viewer, ticketIds: readonly string[]): Promise<SupportReply[]> {
    // One index probe per ticket (the newest entry of (ticket_id, created_at, id)), whatever the
    // length of its conversation: DISTINCT ON read every reply of every ticket on the page, 128 ms
    // for a page with a few long conversations at 1M tickets (issue 8, measured).
    return readAsViewer(this.db, viewer, async (manager) => {
      // The tickets come through the one scoped query, as every read does.
      const [visible, parameters] = visibleTickets(manager, viewer)
        .select('t.id', 'id')
        .andWhere('t.id = ANY(:ids)', { ids: ticketIds })
        .getQueryAndParameters();
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT last.* FROM (${visible}) ticket CROSS JOIN LATERAL (${newestReply(viewer, 'ticket', '*')}) last`,
        parameters,
      );
      return rows.map((row) => hydrate(manager, SupportReply, row));
    });
  }
}
