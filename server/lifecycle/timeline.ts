import { DataSource } from 'typeorm';
import { Role } from '../accounts/user.entity';
import { Actor, Viewer, isSuperadmin } from '../auth/viewer';
import { hydrate } from '../db/hydrate';
import { readAsViewer } from '../db/viewer-transaction';
import { visibleTickets } from '../support/ticket-queries';
import { CUSTOMER_EVENT_KINDS, TimelineEvent } from './ticket-event.entity';

/**
 * What a viewer sees of an event: a customer never learns which team member did something (the
 * line says the Lex team did, through actorRole), as the team's own people are the team's business.
 */
export function seenBy(viewer: Actor, event: TimelineEvent): TimelineEvent {
  if (isSuperadmin(viewer) || event.actorRole !== Role.SUPERADMIN) return event;
  return Object.assign(Object.create(TimelineEvent.prototype) as TimelineEvent, event, { actorName: null });
}

/** Reading timelines: a customer's are the customer kinds of their own tickets (docs/architecture.md §10). */
export class TimelineQueries {
  constructor(private readonly db: DataSource) {}

  /** The events of many tickets (for the per-request loader), each ticket's oldest first. */
  async eventsOf(viewer: Viewer, ticketIds: readonly string[]): Promise<TimelineEvent[]> {
    return readAsViewer(this.db, viewer, async (manager) => {
      // The tickets come through the one scoped query, as every read does.
      const [visible, parameters] = visibleTickets(manager, viewer)
        .select('t.id', 'id')
        .andWhere('t.id = ANY(:ids)', { ids: ticketIds })
        .getQueryAndParameters();
      const customer = !isSuperadmin(viewer);
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT e.* FROM ticket_events e
          WHERE e.ticket_id IN (${visible}) ${customer ? `AND e.kind = ANY($${parameters.length + 1})` : ''}
          ORDER BY e.ticket_id, e.created_at, e.seq`,
        customer ? [...parameters, CUSTOMER_EVENT_KINDS] : parameters,
      );
      return rows.map((row) => seenBy(viewer, hydrate(manager, TimelineEvent, row)));
    });
  }
}
