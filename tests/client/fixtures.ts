import type { ReplyFieldsFragment, TicketDetailFragment, TicketSummaryFragment } from '../../client/src/gql/graphql';

export function reply(over: Partial<ReplyFieldsFragment> & { id: string; createdAt: string }): ReplyFieldsFragment {
  return {
    __typename: 'SupportReply',
    ticketId: 't1',
    message: `message ${over.id}`,
    isAdmin: false,
    isInternal: false,
    senderName: 'Cora Customer',
    attachments: [],
    ...over,
  };
}

export function summary(over: Partial<TicketSummaryFragment> & { id: string }): TicketSummaryFragment {
  return {
    __typename: 'SupportTicket',
    ticketNumber: 1000,
    subject: `Subject ${over.id}`,
    category: 'TECHNICAL',
    status: 'OPEN',
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:00:00.000Z',
    closedAt: null,
    userName: 'Cora Customer',
    userEmail: 'cora@acme.test',
    unreadCount: 0,
    tenant: { __typename: 'Tenant', id: 'acme', name: 'Acme BV' },
    assignee: null,
    firstResponseAt: null,
    sla: null,
    lastReply: null,
    ...over,
  };
}

export function detail(over: Partial<TicketDetailFragment> & { id: string }): TicketDetailFragment {
  return {
    ...summary(over),
    events: [],
    replies: [],
    ...over,
  };
}
