/**
 * The words of a timeline line, in the reader's language (docs/architecture.md §9, "The conversation").
 * A customer gets the team's actions without a name (actorName null, actorRole SUPERADMIN: "Lex team",
 * written here so that it is in the reader's language) and their own as "You".
 */
import type { TicketEventFieldsFragment } from '../gql/graphql';
import { i18n } from '../i18n';
import { statusMeta } from './status';
import { waitedBeforeAutoClose } from './timeline';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Who = { you: true } | { you: false; name: string | null };

function actorOf(event: TicketEventFieldsFragment, viewerIsAdmin: boolean): Who {
  if (!viewerIsAdmin && event.actorRole === 'CUSTOMER') return { you: true };
  if (event.actorName) return { you: false, name: event.actorName };
  return { you: false, name: event.actorRole === 'SUPERADMIN' ? i18n.t('timeline.team') : null };
}

/** A verb with its "you", named and (where a job can do it) system forms. */
function said(key: string, who: Who, values: Record<string, string> = {}): string {
  if (who.you) return i18n.t(`${key}.you`, values);
  if (who.name === null) return i18n.t(`${key}.system`, values);
  return i18n.t(`${key}.named`, { ...values, name: who.name });
}

function statusLine(event: TicketEventFieldsFragment, who: Who): string {
  if (event.toStatus === 'CLOSED') return said('timeline.closed', who);
  if (event.fromStatus === 'CLOSED') return said('timeline.reopened', who);
  // only the Lex team marks in progress or answers, so these have no "you" form
  if (!who.you && event.toStatus === 'IN_PROGRESS') return said('timeline.inProgress', who);
  if (!who.you && event.toStatus === 'ANSWERED') return said('timeline.answered', who);
  return said('timeline.status', who, { status: event.toStatus ? statusMeta(event.toStatus).label : '' });
}

function autoClosedLine(event: TicketEventFieldsFragment, events: readonly TicketEventFieldsFragment[], viewerIsAdmin: boolean): string {
  const waited = waitedBeforeAutoClose(events, event);
  let line: string;
  if (waited === null) line = i18n.t('timeline.autoClosedPlain');
  else {
    const after =
      waited >= DAY
        ? i18n.t('timeline.afterDays', { count: Math.round(waited / DAY) })
        : i18n.t('timeline.afterHours', { count: Math.max(1, Math.round(waited / HOUR)) });
    line = i18n.t('timeline.autoClosed', { after });
  }
  // the customer can undo it by writing; the team knows
  return viewerIsAdmin ? line : `${line} — ${i18n.t('timeline.replyToReopen')}`;
}

/** The line for one event; `events` is the whole timeline, oldest first (the automatic close looks back in it). */
export function eventLine(event: TicketEventFieldsFragment, events: readonly TicketEventFieldsFragment[], viewerIsAdmin: boolean): string {
  const who = actorOf(event, viewerIsAdmin);
  const name = who.you ? '' : who.name;
  switch (event.kind) {
    case 'STATUS_CHANGED':
      return statusLine(event, who);
    case 'AUTO_CLOSED':
      return autoClosedLine(event, events, viewerIsAdmin);
    case 'ASSIGNED':
      if (name === null) return i18n.t('timeline.assignedSystem', { assignee: event.assigneeName ?? '' });
      return name === event.assigneeName
        ? i18n.t('timeline.assignedSelf', { name })
        : i18n.t('timeline.assigned', { name, assignee: event.assigneeName ?? '' });
    case 'UNASSIGNED':
      if (name === null) return i18n.t('timeline.unassignedSystem', { assignee: event.assigneeName ?? '' });
      return event.assigneeName
        ? i18n.t('timeline.unassigned', { name, assignee: event.assigneeName })
        : i18n.t('timeline.unassignedUnknown', { name });
    case 'RATED':
      return who.you ? i18n.t('timeline.rated.you') : i18n.t('timeline.rated.named', { name: name ?? '' });
    case 'CREATED':
      return '';
  }
}
