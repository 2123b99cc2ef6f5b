import { useEffect, useState } from 'react';
import { useMutation, useSubscription } from '@apollo/client/react';
import { ReportTicketActivityDocument, TicketActivityDocument, type ActivityPersonFieldsFragment } from '../gql/graphql';
import { HEARTBEAT_MS, TypingReporter } from './typing-reporter';

export interface TicketPresence {
  /** False until the subscription told the current state. */
  loaded: boolean;
  /** Who else has the ticket open (the Lex team only; empty for customers). */
  viewers: ActivityPersonFieldsFragment[];
  /** Who else is typing, as the server lets the viewer see it. */
  typing: ActivityPersonFieldsFragment[];
  /** The composer tells it about keystrokes and sending. */
  reporter: TypingReporter;
}

/**
 * An open ticket page's presence (docs/architecture.md §8): reports the page every HEARTBEAT_MS and
 * the composer's typing (throttled by TypingReporter), and hears who else is here. Reports that
 * fail (rate limit, a blip) are dropped: the next heartbeat says the same again.
 */
export function useTicketPresence(ticketId: string, viewerId: string): TicketPresence {
  // useMutation's function is the same on every render: the reporter made once keeps it.
  const [report] = useMutation(ReportTicketActivityDocument);
  const [reporter] = useState(
    () =>
      new TypingReporter(({ typing, internal }) => {
        void report({ variables: { ticketId, typing, internal } }).catch(() => undefined);
      }),
  );

  useEffect(() => {
    const beat = () => {
      const { typing, internal } = reporter.current();
      void report({ variables: { ticketId, typing, internal } }).catch(() => undefined);
    };
    beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => {
      clearInterval(timer);
      reporter.stop();
      reporter.dispose();
    };
  }, [ticketId, reporter, report]);

  const { data } = useSubscription(TicketActivityDocument, { variables: { ticketId } });
  const activity = data?.ticketActivity;
  const others = (people: ActivityPersonFieldsFragment[] = []) => people.filter((p) => p.id !== viewerId);
  return { loaded: Boolean(activity), viewers: others(activity?.viewers), typing: others(activity?.typing), reporter };
}
