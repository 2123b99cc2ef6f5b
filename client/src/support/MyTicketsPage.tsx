import { useState } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Button, ButtonLink, Card, EmptyState } from '../design';
import { MyTicketsDocument, TicketUpdatedDocument } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { applyTicketToMyTickets, PAGE_SIZE } from './cache-updates';
import { TicketCard } from './TicketCard';

export function MyTicketsPage() {
  useTitle('Support');
  const { data, error, fetchMore, refetch } = useQuery(MyTicketsDocument, { variables: { first: PAGE_SIZE } });
  const [loadingMore, setLoadingMore] = useState(false);

  useSubscription(TicketUpdatedDocument, {
    onData: ({ client, data: event }) => {
      const ticket = event.data?.ticketUpdated;
      if (ticket) applyTicketToMyTickets(client.cache, ticket);
    },
  });

  const conn = data?.myTickets;

  async function loadMore() {
    if (!conn?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { first: PAGE_SIZE, after: conn.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1 className="page-title">Support</h1>
          <p className="page-subtitle">Your questions to the Lex team, and their answers.</p>
        </div>
        {conn && conn.nodes.length > 0 && <ButtonLink to="/support/new">New ticket</ButtonLink>}
      </div>

      {error && !conn && (
        <Alert tone="error">
          {friendlyMessage(error)}{' '}
          <button type="button" className="link-button" onClick={() => void refetch()}>
            Try again
          </button>
        </Alert>
      )}

      {!conn && !error && <ListSkeleton />}

      {conn && conn.nodes.length === 0 && (
        <Card>
          <EmptyState title="No tickets yet" action={<ButtonLink to="/support/new">New ticket</ButtonLink>}>
            Stuck on something in Lex, a question about a CAO, or your invoice? Ask the Lex team: we answer
            right here, and you will see the reply as soon as it is written.
          </EmptyState>
        </Card>
      )}

      {conn && conn.nodes.length > 0 && (
        <>
          <ul className="ticket-grid" aria-label="Your tickets">
            {conn.nodes.map((t) => (
              <TicketCard key={t.id} ticket={t} />
            ))}
          </ul>
          {conn.pageInfo.hasNextPage && (
            <div className="load-more">
              <Button variant="secondary" onClick={() => void loadMore()} loading={loadingMore}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

export function ListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="skeleton-list" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="card card--padded skeleton-card">
          <div className="skeleton" style={{ width: '30%', height: 12 }} />
          <div className="skeleton" style={{ width: '70%', height: 18, marginTop: 12 }} />
          <div className="skeleton" style={{ width: '45%', height: 12, marginTop: 12 }} />
        </div>
      ))}
    </div>
  );
}
