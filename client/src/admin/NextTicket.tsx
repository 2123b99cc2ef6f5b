import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ButtonLink } from '../design';
import { SupportTicketsDocument, type TicketDetailFragment } from '../gql/graphql';
import { useViewer } from '../auth/session';
import { supportTicketsVariables } from '../support/cache-updates';
import { ticketNumber } from '../support/status';
import { filterFromParams, listParamsOf, nextInList, orderFromParams, ticketPathInList } from './list-params';

/**
 * "Next ticket" once this one is resolved or closed: the ticket after it in the dashboard list it was
 * opened from (?list=…), read from that list's cache entry (the dashboard's own, kept live), so
 * working down a list needs no trip back to it.
 */
export function NextTicket({ ticket }: { ticket: TicketDetailFragment }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [params] = useSearchParams();
  const listParams = useMemo(() => listParamsOf(params), [params]);
  const variables = useMemo(
    () => (listParams ? supportTicketsVariables(filterFromParams(listParams, viewer.id), orderFromParams(listParams)) : null),
    [listParams, viewer.id],
  );
  const list = useQuery(SupportTicketsDocument, { variables: variables!, skip: !variables });
  const conn = list.data?.supportTickets;

  // Closing takes the ticket out of a list of open work: what followed it is remembered while it was in it.
  const at = conn ? conn.nodes.findIndex((n) => n.id === ticket.id) : -1;
  const following = at >= 0 ? (conn!.nodes[at + 1]?.id ?? null) : null;
  const [remembered, setRemembered] = useState<string | null>(null);
  if (at >= 0 && following !== remembered) setRemembered(following);

  // The last loaded row's successor is on the next page.
  const { fetchMore } = list;
  const needMore = Boolean(conn && at >= 0 && at === conn.nodes.length - 1 && conn.pageInfo.hasNextPage);
  const endCursor = conn?.pageInfo.endCursor;
  useEffect(() => {
    if (needMore && variables) void fetchMore({ variables: { ...variables, after: endCursor } });
  }, [needMore, variables, endCursor, fetchMore]);

  if (!listParams || !conn || ticket.status !== 'CLOSED') return null;
  const next = nextInList(conn.nodes, ticket.id, remembered);
  return (
    <div className="next-ticket" data-testid="next-ticket">
      {next ? (
        <ButtonLink to={ticketPathInList(next.id, listParams)} small>
          {t('triage.nextTicketOf', { number: ticketNumber(next.ticketNumber), subject: next.subject })}
        </ButtonLink>
      ) : (
        !needMore && <p className="muted">{t('triage.listDone')}</p>
      )}
    </div>
  );
}
