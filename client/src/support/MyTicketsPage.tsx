import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useSubscription } from '@apollo/client/react';
import { Alert, Button, ButtonLink, Card, EmptyState } from '../design';
import { MyTicketsDocument, TicketUpdatedDocument, type TicketStatus } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { applyTicketToMyTickets, PAGE_SIZE } from './cache-updates';
import { isStatus, STATUSES, statusMeta } from './status';
import { TicketCard } from './TicketCard';

/** More tickets than fit on a phone's screen: from here on the list offers its status filter. */
export const STATUS_FILTER_FROM = 6;

/** The status filter, as links that put it in the URL (?status=CLOSED), like the team's filters. */
function StatusFilter({ current }: { current: TicketStatus | undefined }) {
  const { t } = useTranslation();
  const options: { status: TicketStatus | undefined; label: string }[] = [
    { status: undefined, label: t('common.all') },
    ...STATUSES.map((status) => ({ status, label: statusMeta(status).label })),
  ];
  return (
    <nav className="status-filter" aria-label={t('myTickets.filterLabel')}>
      <ul className="status-filter__list">
        {options.map(({ status, label }) => (
          <li key={status ?? 'all'}>
            <Link
              to={status ? `/support?status=${status}` : '/support'}
              replace
              className="status-filter__option"
              aria-current={status === current ? 'page' : undefined}
            >
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function MyTicketsPage() {
  const { t } = useTranslation();
  useTitle(t('myTickets.title'));
  const [params] = useSearchParams();
  const requested = params.get('status');
  const status = isStatus(requested) ? requested : undefined;
  const { data, previousData, error, fetchMore, refetch } = useQuery(MyTicketsDocument, { variables: { first: PAGE_SIZE, status } });
  const [loadingMore, setLoadingMore] = useState(false);

  useSubscription(TicketUpdatedDocument, {
    onData: ({ client, data: event }) => {
      const ticket = event.data?.ticketUpdated;
      if (ticket) applyTicketToMyTickets(client.cache, ticket);
    },
  });

  // while another status loads, the previous list stays instead of a skeleton flash
  const conn = data?.myTickets ?? previousData?.myTickets;
  const showFilter = status !== undefined || (conn?.totalCount ?? 0) >= STATUS_FILTER_FROM;

  async function loadMore() {
    if (!conn?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { first: PAGE_SIZE, status, after: conn.pageInfo.endCursor } });
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
        {conn && (conn.nodes.length > 0 || status) && <ButtonLink to="/support/new">{t('myTickets.newTicket')}</ButtonLink>}
      </div>

      {error && !conn && (
        <Alert tone="error">
          {friendlyMessage(error)}{' '}
          <button type="button" className="link-button" onClick={() => void refetch()}>
            {t('common.tryAgain')}
          </button>
        </Alert>
      )}

      {showFilter && <StatusFilter current={status} />}

      {!conn && !error && <ListSkeleton />}

      {conn && conn.nodes.length === 0 && status && (
        <Card>
          <EmptyState
            title={t('myTickets.noMatchTitle', { status: statusMeta(status).label })}
            action={
              <ButtonLink to="/support" variant="secondary">
                {t('myTickets.showAll')}
              </ButtonLink>
            }
          >
            {t('myTickets.noMatchBody')}
          </EmptyState>
        </Card>
      )}

      {conn && conn.nodes.length === 0 && !status && (
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
