import { TicketPage } from '../support/TicketPage';
import type { TicketDetailFragment } from '../gql/graphql';
import { CustomerTickets } from './CustomerTickets';
import { NextTicket } from './NextTicket';

/** The team's triage under the ticket's head: the next ticket of the list it came from, the customer's other tickets. */
function TriagePanel({ ticket }: { ticket: TicketDetailFragment }) {
  return (
    <div className="triage-panel">
      <NextTicket ticket={ticket} />
      <CustomerTickets ticket={ticket} />
    </div>
  );
}

export default function AdminTicketPage() {
  return <TicketPage admin side={(ticket) => <TriagePanel key={ticket.id} ticket={ticket} />} />;
}
