import type { TicketCategory, TicketStatus } from '../gql/graphql';

export type DotColor = 'red' | 'yellow' | 'green';

export interface StatusMeta {
  label: string;
  color: DotColor;
  /** What the status means for the person looking at it. */
  hint: string;
}

export const STATUS_META: Record<TicketStatus, StatusMeta> = {
  OPEN: { label: 'Open', color: 'red', hint: 'Waiting for the Lex team' },
  IN_PROGRESS: { label: 'In progress', color: 'yellow', hint: 'The Lex team is working on it' },
  ANSWERED: { label: 'Answered', color: 'yellow', hint: 'The Lex team replied' },
  CLOSED: { label: 'Closed', color: 'green', hint: 'Solved' },
};

export const STATUSES: TicketStatus[] = ['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'];

export function statusMeta(status: TicketStatus): StatusMeta {
  return STATUS_META[status] ?? { label: String(status), color: 'yellow', hint: '' };
}

export const CATEGORY_LABEL: Record<TicketCategory, string> = {
  TECHNICAL: 'Technical',
  LEX_QUESTION: 'Lex Question',
  BILLING: 'Billing',
  CAO_RELATED: 'CAO-related',
  OTHER: 'Other',
};

/** In the order the form offers them. */
export const CATEGORIES: TicketCategory[] = ['TECHNICAL', 'LEX_QUESTION', 'BILLING', 'CAO_RELATED', 'OTHER'];

export function categoryLabel(category: TicketCategory): string {
  return CATEGORY_LABEL[category] ?? String(category);
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
