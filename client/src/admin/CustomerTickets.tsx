import { Link } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { RelativeTime, StatusDot } from '../design';
import { CustomerTicketsDocument, type TicketDetailFragment } from '../gql/graphql';
import { ticketNumber } from '../support/status';

/** How many of the customer's other tickets the panel lists; one more is asked for to know whether there are more. */
const SHOWN = 5;

/**
 * The customer's other tickets beside the team's ticket page: a few, newest activity first, each with
 * its status and a link, and the dashboard searched for the customer's email for all of them.
 * Folded by default, so the conversation stays near the top on a phone.
 */
export function CustomerTickets({ ticket }: { ticket: TicketDetailFragment }) {
  const { t } = useTranslation();
  const { data } = useQuery(CustomerTicketsDocument, { variables: { ticketId: ticket.id, first: SHOWN + 1 } });
  const others = data?.customerTickets;
  const count = others ? (others.length > SHOWN ? `${SHOWN}+` : String(others.length)) : '…';
  return (
    <details className="customer-tickets" data-testid="customer-tickets">
      <summary className="customer-tickets__summary">
        {t('triage.otherTickets')} <span className="customer-tickets__count">({count})</span>
      </summary>
      {others && others.length === 0 && <p className="muted customer-tickets__empty">{t('triage.noOtherTickets')}</p>}
      {others && others.length > 0 && (
        <ul className="customer-tickets__list">
          {others.slice(0, SHOWN).map((other) => (
            <li key={other.id} className="customer-tickets__item">
              <Link to={`/admin/support/${other.id}`} className="customer-tickets__link">
                <span className="customer-tickets__number">{ticketNumber(other.ticketNumber)}</span> {other.subject}
              </Link>
              <span className="customer-tickets__meta">
                <StatusDot status={other.status} /> <RelativeTime iso={other.updatedAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <Link to={`/admin/support?${new URLSearchParams({ q: ticket.userEmail })}`} className="customer-tickets__all">
        {t('triage.allOfCustomer', { name: ticket.userName })}
      </Link>
    </details>
  );
}
