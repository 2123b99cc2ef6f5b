import type { TicketCategory, TicketStatus } from '../gql/graphql';
import { i18n } from '../i18n';

export type DotColor = 'red' | 'yellow' | 'green';

export interface StatusMeta {
  label: string;
  color: DotColor;
  /** What the status means for the person looking at it. */
  hint: string;
}

export const STATUS_COLOR: Record<TicketStatus, DotColor> = {
  OPEN: 'red',
  IN_PROGRESS: 'yellow',
  ANSWERED: 'yellow',
  CLOSED: 'green',
};

export const STATUSES: TicketStatus[] = ['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'];

/** A status's colour, and its label and meaning in the app's language. */
export function statusMeta(status: TicketStatus): StatusMeta {
  if (!isStatus(status)) return { label: String(status), color: 'yellow', hint: '' };
  return { label: i18n.t(`status.${status}.label`), color: STATUS_COLOR[status], hint: i18n.t(`status.${status}.hint`) };
}

/** In the order the form offers them. */
export const CATEGORIES: TicketCategory[] = ['TECHNICAL', 'LEX_QUESTION', 'BILLING', 'CAO_RELATED', 'OTHER'];

export function categoryLabel(category: TicketCategory): string {
  return isCategory(category) ? i18n.t(`category.${category}`) : String(category);
}

export function ticketNumber(n: number): string {
  return `#${n}`;
}

export function isStatus(value: string | null | undefined): value is TicketStatus {
  return !!value && (STATUSES as string[]).includes(value);
}

export function isCategory(value: string | null | undefined): value is TicketCategory {
  return !!value && (CATEGORIES as string[]).includes(value);
}

/** The server's limits on what a person types. */
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 10_000;

/**
 * The status an Undo sets after a change from `before` to `after`, or null when there is no way back
 * through setTicketStatus (docs/architecture.md §9): only the Lex team has it; it sets Closed and In
 * progress from anywhere but Open only from Closed (Reopen); Answered comes only with a reply.
 */
export function undoTarget(before: TicketStatus, after: TicketStatus, team: boolean): TicketStatus | null {
  if (!team || before === after) return null;
  const settable = before === 'CLOSED' || before === 'IN_PROGRESS' || (before === 'OPEN' && after === 'CLOSED');
  return settable ? before : null;
}
