import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ReplyAttachments } from '../attachments/ReplyAttachments';
import { Bubble } from '../design';
import type { ReplyFieldsFragment } from '../gql/graphql';
import { formatBubbleTime, formatDateTime } from '../lib/time';
import { useNow } from '../lib/useNow';
import { useAnnounce } from '../shell/announcer';
import { isNearBottom, isOptimistic, newReplies, visibleReplies } from './conversation';

interface ConversationProps {
  replies: readonly ReplyFieldsFragment[];
  /** Whether the person reading is on the Lex team (their own replies are on the right). */
  viewerIsAdmin: boolean;
}

/**
 * The chat: customer on the left, Lex team on the right, oldest first, each
 * reply once. New replies scroll into view unless the reader scrolled up,
 * in which case a "new replies" button appears; replies from the other side
 * are announced through the live region.
 */
export function Conversation({ replies, viewerIsAdmin }: ConversationProps) {
  const shown = useMemo(() => visibleReplies(replies), [replies]);
  const now = useNow();
  const announce = useAnnounce();
  const { t } = useTranslation();
  const boxRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<ReplyFieldsFragment[] | null>(null);
  const [unseen, setUnseen] = useState(0);

  const scrollToEnd = (smooth: boolean) => {
    const box = boxRef.current;
    if (!box) return;
    if (typeof box.scrollTo === 'function') box.scrollTo({ top: box.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    else box.scrollTop = box.scrollHeight;
  };

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

  const onScroll = () => {
    const box = boxRef.current;
    if (!box) return;
    atBottom.current = isNearBottom(box.scrollTop, box.clientHeight, box.scrollHeight);
    if (atBottom.current && unseen) setUnseen(0);
  };

  return (
    <div className="conversation">
      <div
        className="conversation__scroll"
        ref={boxRef}
        onScroll={onScroll}
        // A scrolling region must take keyboard focus to be scrolled without a mouse (WCAG 2.1.1).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        aria-label={t('conversation.label')}
        role="region"
      >
        {shown.length === 0 ? (
          <p className="conversation__empty">{t('conversation.empty')}</p>
        ) : (
          <ol className="conversation__list">
            {shown.map((r) => (
              <li
                key={r.id}
                className={`conversation__item conversation__item--${r.isAdmin ? 'right' : 'left'}`}
                data-testid="reply"
                data-reply-id={r.id}
                data-internal={r.isInternal || undefined}
              >
                <Bubble
                  side={r.isAdmin ? 'right' : 'left'}
                  sender={r.senderName}
                  team={r.isAdmin ? t('common.lexTeam') : undefined}
                  note={r.isInternal ? t('conversation.note') : undefined}
                  pending={isOptimistic(r)}
                  message={r.message}
                  files={<ReplyAttachments attachments={r.attachments} />}
                  time={
                    <time dateTime={r.createdAt} title={formatDateTime(r.createdAt)}>
                      {formatBubbleTime(r.createdAt, now)}
                    </time>
                  }
                />
              </li>
            ))}
          </ol>
        )}
      </div>
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
    </div>
  );
}
