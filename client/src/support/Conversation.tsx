import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ReplyAttachments } from '../attachments/ReplyAttachments';
import { Bubble } from '../design';
import type { ReplyFieldsFragment, TicketEventFieldsFragment } from '../gql/graphql';
import { formatClock, formatDateTime, formatDayLabel, formatLongDate } from '../lib/time';
import { useNow } from '../lib/useNow';
import { initials } from '../presence/presence-text';
import { useAnnounce } from '../shell/announcer';
import { isNearBottom, isOptimistic, newReplies, visibleReplies } from './conversation';
import { eventLine } from './event-lines';
import { conversationRows, localDay, reachesFirstMessage } from './timeline';

interface ConversationProps {
  replies: readonly ReplyFieldsFragment[];
  /** The ticket's timeline, oldest first. */
  events: readonly TicketEventFieldsFragment[];
  /** The ticket's `createdAt` and `closedAt`. */
  openedAt: string;
  closedAt: string | null;
  /** Whether the person reading is on the Lex team (their own replies are on the right). */
  viewerIsAdmin: boolean;
  /** What stays at the bottom of the screen under the conversation: the composer. */
  dock?: ReactNode;
}

/** The page's one scroller (docs/architecture.md §9): the conversation grows with the page. */
function scroller(): HTMLElement {
  return (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

function scrollToEnd(smooth: boolean) {
  const root = scroller();
  if (typeof root.scrollTo === 'function') root.scrollTo({ top: root.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
  else root.scrollTop = root.scrollHeight;
}

/**
 * The chat: customer on the left, Lex team on the right, oldest first, each reply once, one sender's
 * consecutive replies under one name and avatar, a separator per day, and the timeline's changes as
 * small lines between them. It opens at its end; new replies scroll into view unless the reader scrolled
 * up, in which case a "new replies" button appears; replies from the other side are announced.
 */
export function Conversation({ replies, events, openedAt, closedAt, viewerIsAdmin, dock }: ConversationProps) {
  const shown = useMemo(() => visibleReplies(replies), [replies]);
  const rows = useMemo(
    () => conversationRows(shown, events, { dayOf: localDay, closedAt, complete: reachesFirstMessage(shown, openedAt) }),
    [shown, events, closedAt, openedAt],
  );
  const now = useNow();
  const announce = useAnnounce();
  const { t, i18n } = useTranslation();
  const atBottom = useRef(true);
  const previous = useRef<ReplyFieldsFragment[] | null>(null);
  const [unseen, setUnseen] = useState(0);

  useLayoutEffect(() => {
    const prev = previous.current;
    previous.current = shown;
    if (prev === null) {
      scrollToEnd(false);
      return;
    }
    const added = newReplies(prev, shown);
    if (added.length === 0) return;
    const fromOthers = added.filter((r) => r.isAdmin !== viewerIsAdmin && !isOptimistic(r));
    const ownAdded = added.some((r) => r.isAdmin === viewerIsAdmin);
    if (atBottom.current || ownAdded) {
      scrollToEnd(true);
      setUnseen(0);
    } else if (fromOthers.length > 0) {
      setUnseen((n) => n + fromOthers.length);
    }
    if (fromOthers.length > 0) {
      const last = fromOthers[fromOthers.length - 1];
      announce(t('conversation.announce', { name: last.senderName, message: last.message }));
    }
  }, [shown, viewerIsAdmin, announce, t]);

  // a new line (a status change, an assignment) stays in view for a reader at the end, as a reply does
  const lastEvent = events.length > 0 ? events[events.length - 1].id : null;
  const shownEvent = useRef(lastEvent);
  useLayoutEffect(() => {
    if (shownEvent.current !== lastEvent && atBottom.current) scrollToEnd(true);
    shownEvent.current = lastEvent;
  }, [lastEvent]);

  useEffect(() => {
    const onScroll = () => {
      const root = scroller();
      atBottom.current = isNearBottom(root.scrollTop, root.clientHeight, root.scrollHeight);
      if (atBottom.current) setUnseen(0);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

  const locale = i18n.language;
  return (
    <div className="conversation">
      {rows.length === 0 ? (
        <p className="conversation__empty">{t('conversation.empty')}</p>
      ) : (
        <ol className="conversation__list" aria-label={t('conversation.label')}>
          {rows.map((row) => {
            switch (row.kind) {
              case 'day':
                return (
                  <li key={row.key} className="conversation__day" data-testid="day">
                    <span>{formatDayLabel(row.day, now, locale)}</span>
                  </li>
                );
              case 'event':
              case 'closed': {
                const at = row.kind === 'event' ? row.event.createdAt : row.at;
                const text =
                  row.kind === 'event'
                    ? eventLine(row.event, events, viewerIsAdmin)
                    : t('timeline.closedOn', { date: formatLongDate(row.at, now, locale) });
                return (
                  <li
                    key={row.key}
                    className="conversation__event"
                    data-testid="event"
                    data-kind={row.kind === 'event' ? row.event.kind : 'CLOSED_AT'}
                  >
                    <span>{text}</span>{' '}
                    <time dateTime={at} title={formatDateTime(at, locale)}>
                      {formatClock(at, locale)}
                    </time>
                  </li>
                );
              }
              case 'group': {
                const team = row.side === 'right';
                return (
                  <li key={row.key} className={`conversation__group conversation__group--${row.side}`} data-testid="group">
                    {/* decorative: the name is written beside it (and read out on every bubble) */}
                    <span className={`avatar conversation__avatar${team ? '' : ' avatar--customer'}`} aria-hidden="true">
                      {initials(row.senderName)}
                    </span>
                    <ol className="conversation__bubbles">
                      {row.replies.map((r, i) => (
                        <li
                          key={r.id}
                          className="conversation__item"
                          data-testid="reply"
                          data-reply-id={r.id}
                          data-internal={r.isInternal || undefined}
                        >
                          <Bubble
                            side={row.side}
                            sender={r.senderName}
                            team={team ? t('common.lexTeam') : undefined}
                            note={r.isInternal ? t('conversation.note') : undefined}
                            pending={isOptimistic(r)}
                            continued={i > 0}
                            message={r.message}
                            files={<ReplyAttachments attachments={r.attachments} />}
                            time={
                              <time dateTime={r.createdAt} title={formatDateTime(r.createdAt, locale)}>
                                {formatClock(r.createdAt, locale)}
                              </time>
                            }
                          />
                        </li>
                      ))}
                    </ol>
                  </li>
                );
              }
            }
          })}
        </ol>
      )}
      <div className="conversation__dock">
        {unseen > 0 && (
          <button
            type="button"
            className="conversation__new"
            onClick={() => {
              scrollToEnd(true);
              setUnseen(0);
            }}
          >
            {t('conversation.newReplies', { count: unseen })} ↓
          </button>
        )}
        {dock}
      </div>
    </div>
  );
}
