import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Button, ButtonLink, Card, EmptyState } from '../design';
import { MyTicketsDocument, TicketUpdatedDocument } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { applyTicketToMyTickets, PAGE_SIZE } from './cache-updates';
import { TicketCard } from './TicketCard';

export function MyTicketsPage() {
  const { t } = useTranslation();
  useTitle(t('myTickets.title'));
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
          <h1 className="page-title">{t('myTickets.title')}</h1>
          <p className="page-subtitle">{t('myTickets.subtitle')}</p>
        </div>
        {conn && conn.nodes.length > 0 && <ButtonLink to="/support/new">{t('myTickets.newTicket')}</ButtonLink>}
      </div>

      {error && !conn && (
        <Alert tone="error">
          {friendlyMessage(error)}{' '}
          <button type="button" className="link-button" onClick={() => void refetch()}>
            {t('common.tryAgain')}
          </button>
        </Alert>
      )}

      {!conn && !error && <ListSkeleton />}

      {conn && conn.nodes.length === 0 && (
        <Card>
          <EmptyState title={t('myTickets.emptyTitle')} action={<ButtonLink to="/support/new">{t('myTickets.newTicket')}</ButtonLink>}>
            {t('myTickets.emptyBody')}
          </EmptyState>
        </Card>
      )}

      {conn && conn.nodes.length > 0 && (
        <>
          <ul className="ticket-grid" aria-label={t('myTickets.listLabel')}>
            {conn.nodes.map((t) => (
              <TicketCard key={t.id} ticket={t} />
            ))}
          </ul>
          {conn.pageInfo.hasNextPage && (
            <div className="load-more">
              <Button variant="secondary" onClick={() => void loadMore()} loading={loadingMore}>
                {t('common.loadMore')}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

export function ListSkeleton({ rows = 3 }: { rows?: number }) {
  const { t } = useTranslation();
  return (
    <div className="skeleton-list" aria-busy="true" aria-label={t('common.loading')}>
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
