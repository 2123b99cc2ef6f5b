import { TicketPage, type TicketPageSlots } from '../support/TicketPage';
import { CustomerTickets } from './CustomerTickets';
import { NextTicket } from './NextTicket';

/**
 * The team's triage on a ticket: the next ticket of the list it came from, under the head once this
 * one is closed; the customer's other tickets in the details, which fold away on a phone.
 */
const triage: TicketPageSlots = {
  underHead: (ticket) => <NextTicket key={ticket.id} ticket={ticket} />,
  inDetails: (ticket) => <CustomerTickets key={ticket.id} ticket={ticket} />,
};

export default function AdminTicketPage() {
  return <TicketPage admin slots={triage} />;
}
