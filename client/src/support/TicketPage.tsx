import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, RelativeTime, StatusDot, useToast } from '../design';
import {
  CloseTicketDocument,
  MarkTicketReadDocument,
  ReplyAddedDocument,
  SetTicketStatusDocument,
  TicketDocument,
  TicketPageUpdatedDocument,
  type TicketDetailFragment,
  type TicketStatus,
} from '../gql/graphql';
import { useViewer } from '../auth/session';
import { errorCode, friendlyMessage } from '../lib/errors';
import { formatDateTime } from '../lib/time';
import { useMediaQuery } from '../lib/useMediaQuery';
import { useTitle } from '../lib/useTitle';
import { useAnnounce } from '../shell/announcer';
import { NotFoundPage } from '../shell/NotFoundPage';
import { PresenceBar } from '../presence/PresenceBar';
import { useTicketPresence } from '../presence/useTicketPresence';
import { AssigneePicker } from '../team/AssigneePicker';
import { TicketRating } from '../rating/TicketRating';
import { addReplyToTicket } from './cache-updates';
import { Conversation } from './Conversation';
import { ReplyForm } from './ReplyForm';
import { categoryLabel, statusMeta, ticketNumber, undoTarget } from './status';

/** Where the ticket page turns compact (docs/architecture.md §9), as in app.css. */
const PHONE = '(max-width: 640px)';

const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT']);

/** What a role's page adds (the team's triage, client/src/admin/): under the ticket's head, and in its details. */
export interface TicketPageSlots {
  /** Under the head, always in view (the next ticket once this one is closed). */
  underHead?: (ticket: TicketDetailFragment) => ReactNode;
  /** At the end of the details, which fold away on a phone (the customer's other tickets). */
  inDetails?: (ticket: TicketDetailFragment) => ReactNode;
}

export function TicketPage({ admin, slots = {} }: { admin: boolean; slots?: TicketPageSlots }) {
  const { id = '' } = useParams();
  const home = admin ? '/admin/support' : '/support';
  const { data, error, refetch } = useQuery(TicketDocument, { variables: { id } });
  const ticket = data?.supportTicket;
  const { t } = useTranslation();

  useSubscription(ReplyAddedDocument, {
    variables: { ticketId: id },
    skip: !ticket,
    onData: ({ client, data: event }) => {
      const reply = event.data?.replyAdded;
      if (reply) addReplyToTicket(client.cache, reply);
    },
  });
  // the ticket's own changes (status, assignee, read markers) and its timeline normalise into the cache
  useSubscription(TicketPageUpdatedDocument, { variables: { ticketId: id }, skip: !ticket });

  useTitle(ticket ? `${ticketNumber(ticket.ticketNumber)} ${ticket.subject}` : undefined);

  if ((error && NOT_FOUND_CODES.has(String(errorCode(error)))) || (data && !ticket)) {
    return <NotFoundPage home={home} />;
  }
  if (!ticket) {
    return (
      <div className="page page--narrow">
        {error ? (
          <Alert tone="error">
            {friendlyMessage(error)}{' '}
            <button type="button" className="link-button" onClick={() => void refetch()}>
              {t('common.tryAgain')}
            </button>
          </Alert>
        ) : (
          <TicketSkeleton />
        )}
      </div>
    );
  }
  return <TicketView key={ticket.id} ticket={ticket} admin={admin} home={home} slots={slots} />;
}

interface TicketViewProps {
  ticket: TicketDetailFragment;
  admin: boolean;
  home: string;
  slots: TicketPageSlots;
}

function TicketView({ ticket, admin, home, slots }: TicketViewProps) {
  const viewer = useViewer();
  const viewerIsAdmin = viewer.role === 'SUPERADMIN';
  const location = useLocation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const { t } = useTranslation();
  const created = (location.state as { created?: number } | null)?.created;
  const toast = useToast();
  const phone = useMediaQuery(PHONE);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [markRead] = useMutation(MarkTicketReadDocument);
  const [closeTicket, closeState] = useMutation(CloseTicketDocument);
  const [setStatus, statusState] = useMutation(SetTicketStatusDocument);
  const presence = useTicketPresence(ticket.id, viewer.id);
  // The button pressed may be gone after a status change (Close, Mark Resolved): focus lands on the status area.
  const statusArea = useRef<HTMLDivElement>(null);

  // Opening a ticket marks it read; so does a new reply from the other side while it is open.
  const lastOtherReplyId = useMemo(() => {
    for (let i = ticket.replies.length - 1; i >= 0; i--) {
      if (ticket.replies[i].isAdmin !== viewerIsAdmin) return ticket.replies[i].id;
    }
    return null;
  }, [ticket.replies, viewerIsAdmin]);
  useEffect(() => {
    const mark = () => void markRead({ variables: { id: ticket.id } }).catch(() => {});
    if (document.visibilityState !== 'hidden') {
      mark();
      return;
    }
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        document.removeEventListener('visibilitychange', onVisible);
        mark();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [ticket.id, lastOtherReplyId, markRead]);

  // Say it when the status changes while the page is open.
  const lastStatus = useRef(ticket.status);
  useEffect(() => {
    if (lastStatus.current !== ticket.status) {
      announce(t('ticket.statusChanged', { status: statusMeta(ticket.status).label }));
      lastStatus.current = ticket.status;
    }
  }, [ticket.status, announce, t]);

  /**
   * A status change, told in a toast (docs/architecture.md §9): with Undo when the status before can be
   * set again through setTicketStatus. Focus goes to the status area, as the button pressed may be gone.
   */
  async function run(action: () => Promise<unknown>, done: string, before: TicketStatus, after: TicketStatus) {
    setActionError(null);
    try {
      await action();
      statusArea.current?.focus();
      const back = undoTarget(before, after, admin);
      toast({
        message: done,
        action: back
          ? {
              label: t('common.undo'),
              run: () => {
                statusArea.current?.focus();
                void run(
                  () => setStatus({ variables: { id: ticket.id, status: back } }),
                  t('ticket.undone', { status: statusMeta(back).label }),
                  after,
                  back,
                );
              },
            }
          : undefined,
      });
    } catch (err) {
      setActionError(friendlyMessage(err));
    }
  }

  const changeStatus = (status: TicketStatus, done: string) =>
    run(() => setStatus({ variables: { id: ticket.id, status } }), done, ticket.status, status);

  const busy = closeState.loading || statusState.loading;
  const closed = ticket.status === 'CLOSED';

  return (
    <div className="page page--ticket">
      <nav className="crumbs" aria-label={t('common.breadcrumb')}>
        <Link to={home}>{t(admin ? 'ticket.backAdmin' : 'ticket.backCustomer')}</Link>
      </nav>

      {created !== undefined && (
        <Alert tone="success" onDismiss={() => navigate('.', { replace: true, state: null })}>
          <strong>{t('ticket.created', { number: ticketNumber(created) })}</strong> {t('ticket.createdBody')}
        </Alert>
      )}
      {actionError && (
        <Alert tone="error" onDismiss={() => setActionError(null)}>
          {actionError}
        </Alert>
      )}

      <Card as="section" className="ticket-head" aria-labelledby="ticket-subject">
        <div className="ticket-head__row">
          <div className="ticket-head__main">
            <p className="ticket-head__line">
              <span className="ticket-head__number">{ticketNumber(ticket.ticketNumber)}</span>
              <StatusDot status={ticket.status} />
            </p>
            <h1 id="ticket-subject" className="ticket-head__subject">
              {ticket.subject}
            </h1>
          </div>
          <div
            className="ticket-head__actions"
            ref={statusArea}
            tabIndex={-1}
            role="group"
            aria-label={t('ticket.statusArea', { status: statusMeta(ticket.status).label })}
          >
            {admin ? (
              <>
                {!closed && (
                  <Button
                    variant="secondary"
                    small
                    disabled={busy || ticket.status === 'IN_PROGRESS'}
                    onClick={() => void changeStatus('IN_PROGRESS', t('ticket.markedInProgress'))}
                  >
                    {t('ticket.markInProgress')}
                  </Button>
                )}
                {!closed && (
                  <Button small disabled={busy} onClick={() => void changeStatus('CLOSED', t('ticket.markedResolved'))}>
                    {t('ticket.markResolved')}
                  </Button>
                )}
                {closed && (
                  <Button variant="secondary" small disabled={busy} onClick={() => void changeStatus('OPEN', t('ticket.reopened'))}>
                    {t('ticket.reopen')}
                  </Button>
                )}
              </>
            ) : (
              !closed && (
                <Button
                  variant="secondary"
                  small
                  disabled={busy}
                  onClick={() =>
                    void run(() => closeTicket({ variables: { id: ticket.id } }), t('ticket.closedNotice'), ticket.status, 'CLOSED')
                  }
                >
                  {t('ticket.close')}
                </Button>
              )
            )}
          </div>
        </div>
        {/* On a phone the details fold away under one line; wider, they are always open. */}
        <details className="ticket-details" open={!phone || detailsOpen} onToggle={(e) => phone && setDetailsOpen(e.currentTarget.open)}>
          <summary className="ticket-details__summary">{t('ticket.details')}</summary>
          {admin && <AssigneePicker ticketId={ticket.id} assignee={ticket.assignee} viewer={viewer} />}
          <dl className="ticket-meta">
            <div className="ticket-meta__item">
              <dt>{t('ticket.category')}</dt>
              <dd>{categoryLabel(ticket.category)}</dd>
            </div>
            <div className="ticket-meta__item">
              <dt>{t('ticket.createdAt')}</dt>
              <dd>
                <time dateTime={ticket.createdAt}>{formatDateTime(ticket.createdAt)}</time>
              </dd>
            </div>
            <div className="ticket-meta__item">
              <dt>{t('ticket.updatedAt')}</dt>
              <dd>
                <RelativeTime iso={ticket.updatedAt} />
              </dd>
            </div>
            {admin && (
              <>
                <div className="ticket-meta__item">
                  <dt>{t('ticket.customer')}</dt>
                  <dd>{ticket.userName}</dd>
                </div>
                <div className="ticket-meta__item">
                  <dt>{t('ticket.company')}</dt>
                  <dd>{ticket.tenant.name}</dd>
                </div>
                <div className="ticket-meta__item ticket-meta__item--wide">
                  <dt>{t('ticket.email')}</dt>
                  <dd>
                    <a href={`mailto:${ticket.userEmail}`}>{ticket.userEmail}</a>
                  </dd>
                </div>
              </>
            )}
          </dl>
          {slots.inDetails?.(ticket)}
        </details>
      </Card>
      {slots.underHead?.(ticket)}

      <Card as="section" padded={false} className="ticket-chat" aria-label={t('ticket.chat')}>
        <Conversation
          replies={ticket.replies}
          events={ticket.events}
          openedAt={ticket.createdAt}
          closedAt={ticket.closedAt}
          viewerIsAdmin={viewerIsAdmin}
          dock={
            <>
              <PresenceBar loaded={presence.loaded} viewers={presence.viewers} typing={presence.typing} team={viewerIsAdmin} />
              <ReplyForm ticket={ticket} viewer={viewer} replies={ticket.replies} presence={presence} />
            </>
          }
        />
      </Card>

      {/* Below the conversation, which takes the screen's height (docs §9). */}
      <TicketRating ticketId={ticket.id} status={ticket.status} admin={admin} />
    </div>
  );
}

function TicketSkeleton() {
  const { t } = useTranslation();
  return (
    <div aria-busy="true" aria-label={t('ticket.loading')} className="stack">
      <div className="card card--padded">
        <div className="skeleton" style={{ width: 80, height: 12 }} />
        <div className="skeleton" style={{ width: '60%', height: 22, marginTop: 12 }} />
        <div className="skeleton" style={{ width: '80%', height: 12, marginTop: 16 }} />
      </div>
      <div className="card card--padded">
        <div className="skeleton" style={{ width: '55%', height: 48 }} />
        <div className="skeleton" style={{ width: '45%', height: 48, marginTop: 16, marginLeft: 'auto' }} />
      </div>
    </div>
  );
}
