import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Alert, Badge, Button, ButtonLink, Card, EmptyState, RelativeTime, Select, StatusDot } from '../design';
import {
  SupportStatsDocument,
  SupportTicketsDocument,
  TicketUpdatedDocument,
  type SupportTicketOrder,
  type TicketStatus,
  type TicketSummaryFragment,
} from '../gql/graphql';
import { useViewer } from '../auth/session';
import { intlLocale } from '../i18n';
import { friendlyMessage } from '../lib/errors';
import { formatDateTime } from '../lib/time';
import { useNow } from '../lib/useNow';
import { useTitle } from '../lib/useTitle';
import { applyTicketToSupportTickets, supportTicketsVariables } from '../support/cache-updates';
import { ListSkeleton } from '../support/MyTicketsPage';
import { REPORTS_PATH } from '../reports/paths';
import { CANNED_REPLIES_PATH } from '../team/canned';
import { CATEGORIES, categoryLabel, STATUSES, statusMeta, ticketNumber } from '../support/status';
import { filterFromParams, isView, orderFromParams, ORDERS, ticketPathInList, VIEWS, type View } from './list-params';
import { slaMark, timeLeft } from './sla';

const VIEW_LABELS: Record<View, string> = { mine: 'admin.viewMine', unassigned: 'admin.viewUnassigned', overdue: 'admin.viewOverdue' };
const EMPTY_VIEW: Record<View, string> = { mine: 'admin.noMine', unassigned: 'admin.noUnassigned', overdue: 'admin.noOverdue' };
const ORDER_LABELS: Record<SupportTicketOrder, string> = {
  UPDATED_DESC: 'admin.sortUpdatedDesc',
  UPDATED_ASC: 'admin.sortUpdatedAsc',
  CREATED_DESC: 'admin.sortCreatedDesc',
  CREATED_ASC: 'admin.sortCreatedAsc',
};

const STAT_CARDS: { key: 'open' | 'inProgress' | 'answered' | 'closed'; status: TicketStatus }[] = [
  { key: 'open', status: 'OPEN' },
  { key: 'inProgress', status: 'IN_PROGRESS' },
  { key: 'answered', status: 'ANSWERED' },
  { key: 'closed', status: 'CLOSED' },
];

export default function AdminDashboardPage() {
  const { t } = useTranslation();
  useTitle(t('admin.docTitle'));
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params, viewer.id), [params, viewer.id]);
  const orderBy = orderFromParams(params);
  const view = params.get('view');
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [loadingMore, setLoadingMore] = useState(false);

  // Each change starts from the address bar, not from this render's params: React Router renders
  // a navigation as a transition, so a second click can come before the first one's render.
  const update = useCallback(
    (key: string, value: string) => {
      const next = new URLSearchParams(window.location.search);
      if (value) next.set(key, value);
      else next.delete(key);
      setParams(next, { replace: true });
    },
    [setParams],
  );

  // search as you type, without a request per keystroke
  useEffect(() => {
    const t = setTimeout(() => {
      const current = new URLSearchParams(window.location.search).get('q') ?? '';
      if (current !== search.trim()) update('q', search.trim());
    }, 250);
    return () => clearTimeout(t);
  }, [search, update]);

  const variables = supportTicketsVariables(filter, orderBy);
  const list = useQuery(SupportTicketsDocument, { variables });
  const stats = useQuery(SupportStatsDocument);
  const refetchStats = stats.refetch;

  // live: rows move and appear, stats follow (coalesced when events come in bursts)
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(statsTimer.current), []);
  useSubscription(TicketUpdatedDocument, {
    onData: ({ client, data: event }) => {
      const ticket = event.data?.ticketUpdated;
      if (!ticket) return;
      applyTicketToSupportTickets(client, ticket, filter, orderBy);
      clearTimeout(statsTimer.current);
      statsTimer.current = setTimeout(() => void refetchStats(), 150);
    },
  });

  // while a new filter loads, the previous rows stay (dimmed) instead of a skeleton flash
  const conn = list.data?.supportTickets ?? list.previousData?.supportTickets;
  const refreshing = !list.data && list.loading;
  const filtered = Boolean(filter.status || filter.category || filter.search || isView(view));

  // an empty view says what it is; any other filter, that nothing matches
  const onlyView = isView(view) && !filter.status && !filter.category && !filter.search;
  const emptyKey = onlyView ? EMPTY_VIEW[view] : filtered ? 'admin.noMatch' : 'admin.noTickets';

  async function loadMore() {
    if (!conn?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await list.fetchMore({ variables: { ...variables, after: conn.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <div className="page page--wide">
      <div className="page-head">
        <div>
          <h1 className="page-title">{t('admin.title')}</h1>
          <p className="page-subtitle">{t('admin.subtitle')}</p>
        </div>
        <div className="page-head__actions">
          <ButtonLink to={REPORTS_PATH} variant="secondary" small>
            {t('shell.reports')}
          </ButtonLink>
          <ButtonLink to={CANNED_REPLIES_PATH} variant="secondary" small>
            {t('admin.cannedReplies')}
          </ButtonLink>
        </div>
      </div>

      <section aria-label={t('admin.stats')} className="stats">
        {STAT_CARDS.map(({ key, status }) => {
          const meta = statusMeta(status);
          const active = filter.status === status;
          const value = stats.data?.supportStats[key];
          return (
            <button
              key={key}
              type="button"
              className={`stat stat--${meta.color}${active ? ' stat--active' : ''}`}
              aria-pressed={active}
              onClick={() => update('status', active ? '' : status)}
              data-testid={`stat-${status}`}
            >
              <span className="stat__value">{value ?? '–'}</span>
              <StatusDot status={status} className="stat__label" />
            </button>
          );
        })}
      </section>

      <Card as="section" padded={false} className="tickets-panel" aria-label={t('admin.tickets')}>
        <div className="views" role="group" aria-label={t('admin.views')}>
          {([null, ...VIEWS] as const).map((v) => {
            const active = v === null ? !isView(view) : view === v;
            // Overdue has no kept count: the list's total says it once the view is open.
            const count = v === null || v === 'overdue' ? undefined : stats.data?.supportStats[v];
            return (
              <button
                key={v ?? 'all'}
                type="button"
                className={`view${active ? ' view--active' : ''}`}
                aria-pressed={active}
                onClick={() => update('view', v ?? '')}
                data-testid={`view-${v ?? 'all'}`}
              >
                {t(v === null ? 'admin.viewAll' : VIEW_LABELS[v])}
                {v !== null && v !== 'overdue' && (
                  <span className="view__count" title={t('admin.notClosed')}>
                    {count ?? '–'}
                    <span className="sr-only"> {t('admin.notClosed')}</span>
                  </span>
                )}
              </button>
            );
          })}
        </div>
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <div className="filters__search field">
            <label className="field__label" htmlFor="ticket-search">
              {t('admin.search')}
            </label>
            <input
              id="ticket-search"
              className="field__control"
              type="search"
              value={search}
              placeholder={t('admin.searchPlaceholder')}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <Select
            label={t('admin.status')}
            value={filter.status ?? ''}
            onChange={(e) => update('status', e.target.value)}
            options={[{ value: '', label: t('common.all') }, ...STATUSES.map((s) => ({ value: s, label: statusMeta(s).label }))]}
          />
          <Select
            label={t('admin.category')}
            value={filter.category ?? ''}
            onChange={(e) => update('category', e.target.value)}
            options={[{ value: '', label: t('common.all') }, ...CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
          />
          <Select
            label={t('admin.sort')}
            value={orderBy}
            onChange={(e) => update('sort', e.target.value === ORDERS[0] ? '' : e.target.value)}
            options={ORDERS.map((o) => ({ value: o, label: t(ORDER_LABELS[o]) }))}
            data-testid="sort"
          />
        </form>

        {list.error && !conn && (
          <div className="tickets-panel__body">
            <Alert tone="error">
              {friendlyMessage(list.error)}{' '}
              <button type="button" className="link-button" onClick={() => void list.refetch()}>
                {t('common.tryAgain')}
              </button>
            </Alert>
          </div>
        )}
        {!conn && !list.error && (
          <div className="tickets-panel__body">
            <ListSkeleton rows={4} />
          </div>
        )}
        {conn && conn.nodes.length === 0 && (
          <EmptyState
            title={t(emptyKey)}
            action={
              filtered ? (
                <Button
                  variant="secondary"
                  onClick={() => {
                    setSearch('');
                    setParams(new URLSearchParams(), { replace: true });
                  }}
                >
                  {t('admin.clearFilters')}
                </Button>
              ) : undefined
            }
          >
            {t(`${emptyKey}Body`)}
          </EmptyState>
        )}
        {conn && conn.nodes.length > 0 && (
          <>
            <table className={`ticket-table${refreshing ? ' ticket-table--refreshing' : ''}`} aria-busy={refreshing || undefined}>
              <caption className="sr-only">{t('admin.tickets')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="ticket-table__number">
                    {t('admin.columnTicket')}
                  </th>
                  <th scope="col" className="ticket-table__customer">
                    {t('admin.columnCustomer')}
                  </th>
                  <th scope="col">{t('admin.columnSubject')}</th>
                  <th scope="col" className="ticket-table__category">
                    {t('admin.category')}
                  </th>
                  <th scope="col" className="ticket-table__status">
                    {t('admin.columnStatus')}
                  </th>
                  <th scope="col" className="ticket-table__assignee">
                    {t('admin.columnAssignee')}
                  </th>
                  <th scope="col" className="ticket-table__time">
                    {t('admin.columnUpdated')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {conn.nodes.map((t) => (
                  <TicketRow key={t.id} ticket={t} viewerId={viewer.id} path={ticketPathInList(t.id, params)} />
                ))}
              </tbody>
            </table>
            <div className="tickets-panel__foot">
              <span className="muted" aria-live="polite">
                {/* A search counts its matches only so far (docs/architecture.md §8, "Search"): "of 1,000 or more". */}
                {conn.totalCountCapped
                  ? t('admin.showingAtLeast', { shown: conn.nodes.length, total: Math.max(conn.totalCount, conn.nodes.length) })
                  : t('admin.showing', { shown: conn.nodes.length, total: conn.totalCount })}
              </span>
              {conn.pageInfo.hasNextPage && (
                <Button variant="secondary" small onClick={() => void loadMore()} loading={loadingMore}>
                  {t('common.loadMore')}
                </Button>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}

/**
 * One ticket: a table row whose subject is the link (the whole row answers clicks through the link's
 * stretched box, app.css), bold with a count while customer messages wait unread.
 */
function TicketRow({ ticket, viewerId, path }: { ticket: TicketSummaryFragment; viewerId: string; path: string }) {
  const { t } = useTranslation();
  const { assignee } = ticket;
  const unread = ticket.unreadCount;
  return (
    <tr
      className={`ticket-row${unread > 0 ? ' ticket-row--unread' : ''}`}
      data-testid="ticket-row"
      data-ticket-number={ticket.ticketNumber}
      data-unread={unread > 0 || undefined}
    >
      <td className="ticket-row__number">{ticketNumber(ticket.ticketNumber)}</td>
      <td className="ticket-row__customer">
        <span className="ticket-row__name">{ticket.userName}</span>
        <span className="ticket-row__company">{ticket.tenant.name}</span>
      </td>
      <td className="ticket-row__subject">
        <Link to={path} className="ticket-row__link">
          {ticket.subject}
          <Badge count={unread} label={t('admin.unread', { count: unread })} />
        </Link>
      </td>
      <td className="ticket-row__category">{categoryLabel(ticket.category)}</td>
      <td className="ticket-row__status">
        <StatusDot status={ticket.status} />
        <SlaTag ticket={ticket} />
      </td>
      <td className={`ticket-row__assignee${assignee ? '' : ' ticket-row__assignee--none'}`} data-testid="row-assignee">
        <span className="ticket-row__assignee-label">{t('admin.columnAssignee')}: </span>
        {assignee ? (assignee.id === viewerId ? t('admin.assigneeYou') : assignee.name) : t('assign.unassigned')}
      </td>
      <td className="ticket-row__time">
        <RelativeTime iso={ticket.updatedAt} />
      </td>
    </tr>
  );
}

/** "Answer due in 2 hours" / "Overdue" / "Answered late" under an open ticket's status, moving on with the clock. */
function SlaTag({ ticket }: { ticket: TicketSummaryFragment }) {
  const { t } = useTranslation();
  const mark = slaMark(ticket, useNow());
  if (!mark || !ticket.sla) return null;
  const title = t('admin.slaDueAt', { at: formatDateTime(ticket.sla.firstResponseDueAt) });
  const text =
    mark.kind === 'due'
      ? t('admin.slaDue', { in: new Intl.RelativeTimeFormat(intlLocale()).format(...timeLeft(mark.ms)) })
      : t(mark.kind === 'overdue' ? 'admin.slaOverdue' : 'admin.slaLate');
  return (
    <span className={`sla-tag sla-tag--${mark.kind}`} title={title} data-testid="sla" data-sla={mark.kind}>
      {text}
    </span>
  );
}
