/**
 * The operations of the contract as tools send them: one set, shared by the tests and the bench.
 * Each is its text typed with its variables and the data it answers (a phantom type, as
 * TypedDocumentNode does), so that a call site gets the shape of its answer without a cast.
 * Built into dist/ with the bench (tsconfig.build.json): nothing here may import jest.
 */

/** A GraphQL operation's text, carrying the types of its variables and of its data. */
export type Operation<Data, Variables = Record<string, never>> = string & { readonly __data?: Data; readonly __variables?: Variables };

export type VariablesOf<O> = O extends Operation<unknown, infer Variables> ? Variables : never;

const operation = <Data, Variables = Record<string, never>>(text: string) => text as Operation<Data, Variables>;

export type TicketStatus = 'OPEN' | 'IN_PROGRESS' | 'ANSWERED' | 'CLOSED';
export type TicketCategory = 'BILLING' | 'CAO_RELATED' | 'LEX_QUESTION' | 'OTHER' | 'TECHNICAL';

export interface CreateTicketInput {
  subject: string;
  category: TicketCategory;
  message: string;
  attachmentIds?: string[];
  clientMutationId?: string;
}

export interface ReplyToTicketInput {
  ticketId: string;
  message: string;
  attachmentIds?: string[];
  internal?: boolean;
  clientMutationId?: string;
}

/** A file as replies list it. */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  url: string;
  thumbnailUrl: string | null;
}
const ATTACHMENT = 'id name size contentType url thumbnailUrl';

export interface SupportTicketFilter {
  status?: TicketStatus;
  category?: TicketCategory;
  search?: string;
  assigneeId?: string;
  unassigned?: boolean;
  slaBreached?: boolean;
  notClosed?: boolean;
}

/** A reply's own fields: what the reply mutation and the replyAdded event answer. */
const REPLY = 'id ticketId message isAdmin isInternal senderName createdAt';
export interface Reply {
  id: string;
  ticketId: string;
  message: string;
  isAdmin: boolean;
  isInternal: boolean;
  senderName: string;
  createdAt: string;
}

/** A ticket as the tests read it: every field, its tenant, last reply and conversation. */
export const TICKET = `id ticketNumber subject category status createdAt updatedAt closedAt userName userEmail unreadCount
  tenant { name } lastReply { id message isAdmin } replies { id message isAdmin senderName createdAt }`;
export type Ticket = {
  id: string;
  ticketNumber: number;
  subject: string;
  category: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  userName: string;
  userEmail: string;
  unreadCount: number;
  tenant: { name: string };
  lastReply: { id: string; message: string; isAdmin: boolean } | null;
  replies: Omit<Reply, 'ticketId'>[];
};

/** A ticket's own columns, no related reads: what load generators ask a write to answer. */
const TICKET_BRIEF = 'id ticketNumber status updatedAt';
export type TicketBrief = Pick<Ticket, 'id' | 'ticketNumber' | 'status' | 'updatedAt'>;

interface Page<Node> {
  totalCount: number;
  totalCountCapped: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Node[];
}
const PAGE_INFO = 'totalCount totalCountCapped pageInfo { hasNextPage endCursor }';
type PageArguments = { first?: number; after?: string | null };

/** Signs in with a password; the token is for the Bearer header or connection_init. */
export const LOGIN = operation<{ login: { token: string } }, { email: string; password: string }>(
  `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
);

/** The desk's operations, with full answers. */
export const ops = {
  me: operation<{ me: { id: string; email: string; name: string; role: string; tenant: { name: string } | null } | null }>(
    `{ me { id email name role tenant { name } } }`,
  ),
  createTicket: operation<{ createTicket: Ticket }, { input: CreateTicketInput }>(
    `mutation ($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET} } }`,
  ),
  /** The files of each reply of a ticket. */
  ticketAttachments: operation<{ supportTicket: { replies: { id: string; attachments: Attachment[] }[] } | null }, { id: string }>(
    `query ($id: ID!) { supportTicket(id: $id) { replies { id attachments { ${ATTACHMENT} } } } }`,
  ),
  replyWithAttachments: operation<{ replyToTicket: Reply & { attachments: Attachment[] } }, { input: ReplyToTicketInput }>(
    `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { ${REPLY} attachments { ${ATTACHMENT} } } }`,
  ),
  replyToTicket: operation<{ replyToTicket: Reply & { ticket: { status: TicketStatus } } }, { input: ReplyToTicketInput }>(
    `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { ${REPLY} ticket { status } } }`,
  ),
  closeTicket: operation<{ closeTicket: Ticket }, { id: string }>(`mutation ($id: ID!) { closeTicket(id: $id) { ${TICKET} } }`),
  setTicketStatus: operation<{ setTicketStatus: Ticket }, { id: string; status: TicketStatus }>(
    `mutation ($id: ID!, $status: TicketStatus!) { setTicketStatus(id: $id, status: $status) { ${TICKET} } }`,
  ),
  markTicketRead: operation<{ markTicketRead: Ticket }, { id: string }>(`mutation ($id: ID!) { markTicketRead(id: $id) { ${TICKET} } }`),
  supportTicket: operation<{ supportTicket: Ticket | null }, { id: string }>(`query ($id: ID!) { supportTicket(id: $id) { ${TICKET} } }`),
  myTickets: operation<
    { myTickets: Page<Pick<Ticket, 'id' | 'ticketNumber' | 'status' | 'unreadCount'>> },
    PageArguments & { status?: TicketStatus }
  >(`query ($status: TicketStatus, $first: Int, $after: String) {
    myTickets(status: $status, first: $first, after: $after) { ${PAGE_INFO} nodes { id ticketNumber status unreadCount } } }`),
  supportTickets: operation<
    { supportTickets: Page<Pick<Ticket, 'id' | 'ticketNumber' | 'subject' | 'status' | 'userName' | 'tenant'>> },
    PageArguments & { filter?: SupportTicketFilter }
  >(`query ($filter: SupportTicketFilter, $first: Int, $after: String) {
    supportTickets(filter: $filter, first: $first, after: $after) { ${PAGE_INFO} nodes { id ticketNumber subject status userName tenant { name } } } }`),
  supportStats: operation<{
    supportStats: { open: number; inProgress: number; answered: number; closed: number; total: number; mine: number; unassigned: number };
  }>(`{ supportStats { open inProgress answered closed total mine unassigned } }`),
  unreadReplyCount: operation<{ unreadReplyCount: number }>(`{ unreadReplyCount }`),
  teamMembers: operation<{ teamMembers: TeamMember[] }>(`{ teamMembers { id name role } }`),
  assignTicket: operation<
    { assignTicket: Pick<Ticket, 'id' | 'updatedAt'> & { assignee: TeamMember | null } },
    { id: string; assigneeId: string | null }
  >(`mutation ($id: ID!, $assigneeId: ID) { assignTicket(id: $id, assigneeId: $assigneeId) { id updatedAt assignee { id name role } } }`),
  /** A ticket's owner as the viewer may see it: always null for customers. */
  ticketAssignee: operation<{ supportTicket: { assignee: TeamMember | null } | null }, { id: string }>(
    `query ($id: ID!) { supportTicket(id: $id) { assignee { id name role } } }`,
  ),
};

/** One line of a ticket's timeline. */
export interface TicketEvent {
  id: string;
  kind: 'CREATED' | 'STATUS_CHANGED' | 'ASSIGNED' | 'UNASSIGNED' | 'AUTO_CLOSED' | 'RATED';
  createdAt: string;
  actorName: string | null;
  actorRole: 'CUSTOMER' | 'SUPERADMIN' | null;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  assigneeName: string | null;
}
const TICKET_EVENT = 'id kind createdAt actorName actorRole fromStatus toStatus assigneeName';
/** A ticket's lifecycle: its timeline and service level (sla is null for customers). */
export interface TicketLifecycle {
  id: string;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  events: TicketEvent[];
  sla: { firstResponseDueAt: string; breached: boolean } | null;
}
const TICKET_LIFECYCLE = `id createdAt updatedAt firstResponseAt events { ${TICKET_EVENT} } sla { firstResponseDueAt breached }`;
export const lifecycleOps = {
  ticket: operation<{ supportTicket: TicketLifecycle | null }, { id: string }>(
    `query ($id: ID!) { supportTicket(id: $id) { ${TICKET_LIFECYCLE} } }`,
  ),
  /** The team's list with the SLA filter. */
  tickets: operation<
    { supportTickets: Page<{ id: string; sla: TicketLifecycle['sla'] }> },
    PageArguments & { filter?: SupportTicketFilter }
  >(`query ($filter: SupportTicketFilter, $first: Int, $after: String) {
    supportTickets(filter: $filter, first: $first, after: $after) { ${PAGE_INFO} nodes { id sla { firstResponseDueAt breached } } } }`),
  /** Every change of one ticket, or (the team, no ticketId) of all, with the service level. */
  updated: operation<{ ticketUpdated: { id: string; status: TicketStatus; sla: TicketLifecycle['sla'] } }, { ticketId?: string }>(
    `subscription ($ticketId: ID) { ticketUpdated(ticketId: $ticketId) { id status sla { firstResponseDueAt breached } } }`,
  ),
};

export type SupportTicketOrder = 'UPDATED_DESC' | 'UPDATED_ASC' | 'CREATED_DESC' | 'CREATED_ASC';
/** Triage: the team's list in an order, and a customer's other tickets. */
export const triageOps = {
  supportTickets: operation<
    { supportTickets: Page<Pick<Ticket, 'id' | 'ticketNumber' | 'updatedAt'>> },
    PageArguments & { filter?: SupportTicketFilter; orderBy?: SupportTicketOrder }
  >(`query ($filter: SupportTicketFilter, $orderBy: SupportTicketOrder, $first: Int, $after: String) {
    supportTickets(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { ${PAGE_INFO} nodes { id ticketNumber updatedAt } } }`),
  customerTickets: operation<{ customerTickets: TicketBrief[] }, { ticketId: string; first?: number }>(
    `query ($ticketId: ID!, $first: Int) { customerTickets(ticketId: $ticketId, first: $first) { id ticketNumber status updatedAt } }`,
  ),
};

/** A report's figures for everyone, a category or an assignee. */
export interface ReportFigures {
  created: number;
  closed: number;
  firstResponses: number;
  slaMetPercent: number | null;
  averageRating: number | null;
  ratings: number;
}
export interface SupportReport extends ReportFigures {
  from: string;
  to: string;
  timeZone: string;
  complete: boolean;
  firstResponseMedianMinutes: number | null;
  firstResponseP90Minutes: number | null;
  resolutionMedianHours: number | null;
  byDay: {
    date: string;
    created: number;
    closed: number;
    firstResponseMedianMinutes: number | null;
    firstResponseP90Minutes: number | null;
  }[];
  byCategory: (ReportFigures & { category: TicketCategory })[];
  byAssignee: (ReportFigures & { assignee: { id: string; name: string } | null })[];
}
const FIGURES = 'created closed firstResponses slaMetPercent averageRating ratings';
export const reportOps = {
  report: operation<{ supportReport: SupportReport }, { from: string; to: string }>(
    `query ($from: DateTime!, $to: DateTime!) { supportReport(from: $from, to: $to) {
      from to timeZone complete ${FIGURES} firstResponseMedianMinutes firstResponseP90Minutes resolutionMedianHours
      byDay { date created closed firstResponseMedianMinutes firstResponseP90Minutes }
      byCategory { category ${FIGURES} } byAssignee { assignee { id name } ${FIGURES} } } }`,
  ),
};

/** A canned reply's fields. */
const CANNED_REPLY = 'id title body updatedAt';
export interface CannedReply {
  id: string;
  title: string;
  body: string;
  updatedAt: string;
}
/** A ticket's satisfaction rating (of its current close, or its latest once reopened). */
export interface SatisfactionRating {
  score: number;
  comment: string | null;
  createdAt: string;
}
const RATED_TICKET = 'id status closedAt rating { score comment createdAt }';
export interface RatedTicket {
  id: string;
  status: TicketStatus;
  closedAt: string | null;
  rating: SatisfactionRating | null;
}
export const ratingOps = {
  rateTicket: operation<{ rateTicket: RatedTicket }, { id: string; score: number; comment?: string | null }>(
    `mutation ($id: ID!, $score: Int!, $comment: String) { rateTicket(id: $id, score: $score, comment: $comment) { ${RATED_TICKET} } }`,
  ),
  ticket: operation<{ supportTicket: RatedTicket | null }, { id: string }>(
    `query ($id: ID!) { supportTicket(id: $id) { ${RATED_TICKET} } }`,
  ),
  /** A list with each ticket's rating: one batch, whatever the page size. */
  tickets: operation<{ supportTickets: Page<RatedTicket> }, PageArguments>(
    `query ($first: Int, $after: String) { supportTickets(first: $first, after: $after) { ${PAGE_INFO} nodes { ${RATED_TICKET} } } }`,
  ),
  ticketUpdated: operation<{ ticketUpdated: RatedTicket }, { ticketId: string }>(
    `subscription ($ticketId: ID) { ticketUpdated(ticketId: $ticketId) { ${RATED_TICKET} } }`,
  ),
};

export const cannedReplyOps = {
  cannedReplies: operation<{ cannedReplies: CannedReply[] }>(`{ cannedReplies { ${CANNED_REPLY} } }`),
  saveCannedReply: operation<{ saveCannedReply: CannedReply }, { input: { id?: string; title: string; body: string } }>(
    `mutation ($input: CannedReplyInput!) { saveCannedReply(input: $input) { ${CANNED_REPLY} } }`,
  ),
  deleteCannedReply: operation<{ deleteCannedReply: boolean }, { id: string }>(`mutation ($id: ID!) { deleteCannedReply(id: $id) }`),
};

/** A ticket page's presence: what it reports and what it hears. */
export interface TicketActivity {
  ticketId: string;
  viewers: ActivityPerson[];
  typing: ActivityPerson[];
}
export interface ActivityPerson {
  id: string;
  name: string;
  isAdmin: boolean;
  internal: boolean;
}
export const activityOps = {
  report: operation<{ reportTicketActivity: boolean }, { ticketId: string; typing: boolean; internal?: boolean }>(
    `mutation ($ticketId: ID!, $typing: Boolean!, $internal: Boolean) { reportTicketActivity(ticketId: $ticketId, typing: $typing, internal: $internal) }`,
  ),
  watch: operation<{ ticketActivity: TicketActivity }, { ticketId: string }>(
    `subscription ($ticketId: ID!) { ticketActivity(ticketId: $ticketId) { ticketId viewers { id name isAdmin internal } typing { id name isAdmin internal } } }`,
  ),
};

/** A Lex team member as assignment shows them. */
export interface TeamMember {
  id: string;
  name: string;
  role: string;
}

/** The writes with brief answers (no related reads), for load generators and the live tests. */
export const briefOps = {
  createTicket: operation<{ createTicket: TicketBrief }, { input: CreateTicketInput }>(
    `mutation ($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET_BRIEF} } }`,
  ),
  replyToTicket: operation<{ replyToTicket: Reply }, { input: ReplyToTicketInput }>(
    `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { ${REPLY} } }`,
  ),
  setTicketStatus: operation<{ setTicketStatus: Pick<Ticket, 'id' | 'status'> }, { id: string; status: TicketStatus }>(
    `mutation ($id: ID!, $status: TicketStatus!) { setTicketStatus(id: $id, status: $status) { id status } }`,
  ),
};

export const subscriptions = {
  replyAdded: operation<{ replyAdded: Reply }, { ticketId: string }>(
    `subscription ($ticketId: ID!) { replyAdded(ticketId: $ticketId) { ${REPLY} } }`,
  ),
  /** Every change of one ticket, or (superadmins, no ticketId) of all: the columns a list shows, with the tenant. */
  ticketUpdated: operation<
    { ticketUpdated: Pick<Ticket, 'id' | 'status' | 'updatedAt' | 'closedAt' | 'unreadCount' | 'userName' | 'tenant'> },
    { ticketId?: string }
  >(
    `subscription ($ticketId: ID) { ticketUpdated(ticketId: $ticketId) { id status updatedAt closedAt unreadCount userName tenant { name } } }`,
  ),
  /** The same events without related reads, for load generators. */
  ticketUpdatedBrief: operation<{ ticketUpdated: Pick<Ticket, 'id' | 'status' | 'updatedAt' | 'unreadCount'> }, { ticketId?: string }>(
    `subscription ($ticketId: ID) { ticketUpdated(ticketId: $ticketId) { id status updatedAt unreadCount } }`,
  ),
  supportBadge: operation<{ supportBadge: number }>(`subscription { supportBadge }`),
};
