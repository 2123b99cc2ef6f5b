import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Badge, RelativeTime, StatusDot } from '../design';
import type { TicketSummaryFragment } from '../gql/graphql';
import { categoryLabel, ticketNumber } from './status';

/** One ticket in the customer's list: what it is about, who wrote last and what, and whether that is unread. */
export function TicketCard({ ticket }: { ticket: TicketSummaryFragment }) {
  const { t } = useTranslation();
  const unread = ticket.unreadCount;
  const last = ticket.lastReply;
  return (
    <li
      className={`ticket-card${unread > 0 ? ' ticket-card--unread' : ''}`}
      data-testid="ticket-card"
      data-ticket-number={ticket.ticketNumber}
      data-unread={unread > 0 || undefined}
    >
      <Link to={`/support/${ticket.id}`} className="ticket-card__link">
        <div className="ticket-card__top">
          <span className="ticket-card__number">{ticketNumber(ticket.ticketNumber)}</span>
          <span className="ticket-card__category">{categoryLabel(ticket.category)}</span>
          <Badge count={unread} tone="alert" label={t('myTickets.newReplies', { count: unread })} />
        </div>
        <h2 className="ticket-card__subject">{ticket.subject}</h2>
        {last?.excerpt && (
          <p className="ticket-card__last" data-testid="last-message">
            <span className="ticket-card__who">
              {t('myTickets.lastFrom', { name: last.isAdmin ? last.senderName : t('myTickets.you') })}
            </span>{' '}
            {last.excerpt}
          </p>
        )}
        <div className="ticket-card__bottom">
          <StatusDot status={ticket.status} />
          <span className="ticket-card__time">
            <RelativeTime iso={ticket.updatedAt} prefix={t('myTickets.updated')} />
          </span>
        </div>
      </Link>
    </li>
  );
}
