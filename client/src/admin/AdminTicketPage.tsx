import { TicketPage } from '../support/TicketPage';

export default function AdminTicketPage() {
  return <TicketPage admin />;
}
