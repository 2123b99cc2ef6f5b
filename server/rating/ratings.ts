import { DataSource, EntityManager } from 'typeorm';
import { Actor, Viewer, isSuperadmin } from '../auth/viewer';
import { readAsViewer, withViewer } from '../db/viewer-transaction';
import { badInput, forbidden } from '../errors';
import type { Author, TicketCommands } from '../support/ticket-commands';
import { visibleTickets } from '../support/ticket-queries';
import { SupportTicket } from '../support/ticket.entity';
import { TicketStatus } from '../support/ticket-status';
import { requireComment, requireScore } from './rating-input';
import { SatisfactionRating } from './rating.types';

/** What became of a rating: stored, or refused because that close was rated already or is no longer the ticket's. */
export type RatingOutcome = { kind: 'rated'; ticket: SupportTicket } | { kind: 'alreadyRated' } | { kind: 'notClosed' };

export interface RatingInput {
  score: unknown;
  comment?: string | null;
}

type Reader = Actor & Pick<Viewer, 'sessionKey'>;

const COLUMNS = `r.ticket_id AS "ticketId", r.score, r.comment, r.created_at AS "createdAt"`;

async function closeIsRated(manager: EntityManager, ticketId: string, closedAt: Date): Promise<boolean> {
  const rows = await manager.query(`SELECT 1 FROM ticket_ratings WHERE ticket_id = $1 AND closed_at = $2`, [ticketId, closedAt]);
  return rows.length > 0;
}

/**
 * Satisfaction (docs/architecture.md §10): the owner of a closed ticket rates that close once, in the
 * app or from the closing email's links. The rating, its RATED line and the announcement are one
 * change of the ticket (`TicketCommands.changeTicket`); the table's key (ticket, close) is what keeps
 * it to one, even for two at once. The rule "owner only" lives in the ticket's scoped query and in the
 * table's row-level security.
 */
export class Ratings {
  constructor(
    private readonly db: DataSource,
    private readonly commands: Pick<TicketCommands, 'changeTicket'>,
  ) {}

  /** `rateTicket`: the ticket's current close; anything else is an error naming the field. */
  async rateTicket(viewer: Author, id: string, input: RatingInput): Promise<SupportTicket> {
    const outcome = await this.rate(viewer, id, null, input);
    if (outcome.kind === 'notClosed') throw badInput('id', 'Only a closed ticket can be rated');
    if (outcome.kind === 'alreadyRated') throw badInput('id', 'This ticket is already rated (once per close)');
    return outcome.ticket;
  }

  /** Rates the close at `closedAt` (a rating link's), or the ticket's current close when null. */
  async rate(viewer: Author, id: string, closedAt: Date | null, { score, comment }: RatingInput): Promise<RatingOutcome> {
    // Refused before the ticket is looked at, so that the answer tells nothing about it.
    if (isSuperadmin(viewer)) throw forbidden('Only the customer of a ticket rates it');
    const rating = { score: requireScore(score), comment: requireComment(comment) };
    const { outcome } = await this.commands.changeTicket(viewer, id, async (manager, locked) => {
      const current = locked.status === TicketStatus.CLOSED ? locked.closedAt : null;
      const close = closedAt ?? current;
      if (!close) return { outcome: { kind: 'notClosed' } as RatingOutcome };
      // A link of an earlier close: rated then, or the ticket was reopened since.
      if (close.getTime() !== current?.getTime())
        return { outcome: { kind: (await closeIsRated(manager, locked.id, close)) ? 'alreadyRated' : 'notClosed' } as RatingOutcome };
      const inserted = await manager.query(
        `INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score, comment) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (ticket_id, closed_at) DO NOTHING RETURNING 1`,
        [locked.id, close, viewer.id, rating.score, rating.comment],
      );
      if (!inserted.length) return { outcome: { kind: 'alreadyRated' } as RatingOutcome };
      return {
        outcome: { kind: 'rated', ticket: locked } as RatingOutcome,
        change: { ticket: locked, previousStatus: locked.status, rated: true },
      };
    });
    return outcome;
  }

  /**
   * The rating of each ticket's current close, or of its latest close once reopened, as the viewer may
   * see them (for the per-request loader): one query for a page of tickets.
   */
  async ratingsOf(viewer: Reader, ticketIds: readonly string[]): Promise<SatisfactionRating[]> {
    return readAsViewer(this.db, viewer, async (manager) => {
      const [visible, parameters] = visibleTickets(manager, viewer)
        .select('t.id', 'id')
        .addSelect('t.closed_at', 'closed_at')
        .andWhere('t.id = ANY(:ids)', { ids: ticketIds })
        .getQueryAndParameters();
      return manager.query(
        `SELECT DISTINCT ON (r.ticket_id) ${COLUMNS}
           FROM (${visible}) t JOIN ticket_ratings r ON r.ticket_id = t.id
          WHERE t.closed_at IS NULL OR r.closed_at = t.closed_at
          ORDER BY r.ticket_id, r.closed_at DESC`,
        parameters,
      );
    });
  }

  /** A ticket as a rating link's recipient sees it, and whether the link's close is rated; null when they cannot see it. */
  async linkedTicket(viewer: Reader, id: string, closedAt: Date): Promise<{ ticket: SupportTicket; rated: boolean } | null> {
    return withViewer(this.db, viewer, async (manager) => {
      const ticket = await visibleTickets(manager, viewer).andWhere('t.id = :id', { id }).getOne();
      return ticket && { ticket, rated: await closeIsRated(manager, id, closedAt) };
    });
  }
}
