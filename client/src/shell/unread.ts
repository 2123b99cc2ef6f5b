import { useEffect, useRef } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { TicketUpdatedDocument, UnreadReplyCountDocument } from '../gql/graphql';

/** Events come in bursts on a busy desk: one recount after they settle. */
const RECOUNT_AFTER_MS = 300;

/**
 * The Lex team's unread customer messages over all tickets, for the tab title: counted by the
 * server, and again after any ticket changes (a reply, a read marker). Off for customers, whose
 * count is their badge.
 */
export function useTeamUnread(enabled: boolean): number {
  const { data, refetch } = useQuery(UnreadReplyCountDocument, { skip: !enabled });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useSubscription(TicketUpdatedDocument, {
    skip: !enabled,
    onData: () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void refetch(), RECOUNT_AFTER_MS);
    },
  });
  return data?.unreadReplyCount ?? 0;
}
