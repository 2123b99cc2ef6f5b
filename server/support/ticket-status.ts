import { registerEnumType } from 'type-graphql';

/** Stored values are the Lex spec's; GraphQL shows the keys. */
export enum TicketStatus {
  OPEN = 'open',
  IN_PROGRESS = 'in_progress',
  ANSWERED = 'answered',
  CLOSED = 'closed',
}
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description: 'Where a ticket stands, and who owes the next step.',
  valuesConfig: {
    OPEN: { description: 'Waiting for the Lex team (red dot).' },
    IN_PROGRESS: { description: 'The Lex team is working on it (yellow dot).' },
    ANSWERED: { description: 'The Lex team replied; waiting for the customer (yellow dot).' },
    CLOSED: { description: 'Solved (green dot); a reply reopens it.' },
  },
});

export enum TicketCategory {
  TECHNICAL = 'Technical',
  LEX_QUESTION = 'Lex Question',
  BILLING = 'Billing',
  CAO_RELATED = 'CAO-related',
  OTHER = 'Other',
}
registerEnumType(TicketCategory, {
  name: 'TicketCategory',
  description: 'What a ticket is about, chosen by the customer.',
  valuesConfig: {
    TECHNICAL: { description: 'Something in Lex does not work.' },
    LEX_QUESTION: { description: 'A question about how to use Lex or about its answers.' },
    BILLING: { description: 'Invoices, subscriptions and payments.' },
    CAO_RELATED: { description: 'A collective labour agreement (CAO) question.' },
    OTHER: { description: 'Anything else.' },
  },
});

export type TicketEvent = 'customerReply' | 'adminReply' | 'close' | 'markInProgress' | 'reopen' | 'autoClose';

const { OPEN, IN_PROGRESS, ANSWERED, CLOSED } = TicketStatus;

/**
 * The whole status machine (docs/architecture.md §1, rules 5–8): for each event, the status it leads to
 * from each status. A missing entry means the event does not apply to that status.
 */
const TRANSITIONS: Record<TicketEvent, Partial<Record<TicketStatus, TicketStatus>>> = {
  // The Lex team owes an answer again once the customer writes after an answer or a close.
  customerReply: { [OPEN]: OPEN, [IN_PROGRESS]: IN_PROGRESS, [ANSWERED]: OPEN, [CLOSED]: OPEN },
  adminReply: { [OPEN]: ANSWERED, [IN_PROGRESS]: ANSWERED, [ANSWERED]: ANSWERED, [CLOSED]: ANSWERED },
  close: { [OPEN]: CLOSED, [IN_PROGRESS]: CLOSED, [ANSWERED]: CLOSED, [CLOSED]: CLOSED },
  markInProgress: { [OPEN]: IN_PROGRESS, [IN_PROGRESS]: IN_PROGRESS, [ANSWERED]: IN_PROGRESS, [CLOSED]: IN_PROGRESS },
  reopen: { [OPEN]: OPEN, [CLOSED]: OPEN },
  // The auto-close job (docs/architecture.md §10): only a ticket still waiting for the customer.
  autoClose: { [ANSWERED]: CLOSED },
};

/** The status after `event`, or undefined when the event does not apply. */
export function nextStatus(status: TicketStatus, event: TicketEvent): TicketStatus | undefined {
  return TRANSITIONS[event][status];
}
