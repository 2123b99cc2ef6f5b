import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { ops, useDesk } from '../helpers/support-api';

// Every operation × every kind of caller (docs/architecture.md §1 rules 1–2). A denied call returns no data
// of the ticket and changes nothing in the database.
type Actor = 'owner' | 'sameTenant' | 'otherTenant' | 'superadmin' | 'signedOut';
const ACTORS: Actor[] = ['owner', 'sameTenant', 'otherTenant', 'superadmin', 'signedOut'];

const desk = useDesk();
let users: Record<Exclude<Actor, 'signedOut'>, SignedIn>;
const tokenOf = (actor: Actor) => (actor === 'signedOut' ? undefined : users[actor].token);

beforeAll(async () => {
  users = {
    owner: desk.customer,
    sameTenant: await signedInUser(desk.server, 'customer', 'Acme'),
    otherTenant: desk.otherCustomer,
    superadmin: desk.admin,
  };
});

/** Everything a caller could change, to compare before and after a denied call. */
async function snapshot() {
  return {
    tickets: await desk.server.sql('SELECT * FROM support_tickets ORDER BY id'),
    replies: await desk.server.sql('SELECT * FROM support_replies ORDER BY id'),
  };
}

async function freshTicket() {
  const ticket = await desk.createTicket(users.owner.token, { subject: 'Secret merger question', message: 'Confidential details' });
  await desk.reply(users.superadmin.token, ticket.id, 'Confidential answer');
  return ticket;
}

type Expectation = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'null';

const ticketMutations: {
  name: string;
  query: string;
  variables: (id: string) => Record<string, unknown>;
  expect: Record<Actor, Expectation>;
}[] = [
  {
    name: 'replyToTicket',
    query: ops.replyToTicket,
    variables: (id) => ({ input: { ticketId: id, message: 'sneaky' } }),
    expect: { owner: 'allowed', sameTenant: 'NOT_FOUND', otherTenant: 'NOT_FOUND', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'replyToTicket',
    query: ops.replyToTicket,
    variables: (id) => ({ input: { ticketId: id, message: 'sneaky note', internal: true } }),
    expect: { owner: 'FORBIDDEN', sameTenant: 'FORBIDDEN', otherTenant: 'FORBIDDEN', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'assignTicket',
    query: ops.assignTicket,
    variables: (id) => ({ id, assigneeId: users.superadmin.id }),
    expect: { owner: 'FORBIDDEN', sameTenant: 'FORBIDDEN', otherTenant: 'FORBIDDEN', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'closeTicket',
    query: ops.closeTicket,
    variables: (id) => ({ id }),
    expect: { owner: 'allowed', sameTenant: 'NOT_FOUND', otherTenant: 'NOT_FOUND', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'setTicketStatus',
    query: ops.setTicketStatus,
    variables: (id) => ({ id, status: 'IN_PROGRESS' }),
    expect: { owner: 'FORBIDDEN', sameTenant: 'FORBIDDEN', otherTenant: 'FORBIDDEN', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'markTicketRead',
    query: ops.markTicketRead,
    variables: (id) => ({ id }),
    expect: { owner: 'allowed', sameTenant: 'NOT_FOUND', otherTenant: 'NOT_FOUND', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
  {
    name: 'supportTicket',
    query: ops.supportTicket,
    variables: (id) => ({ id }),
    expect: { owner: 'allowed', sameTenant: 'null', otherTenant: 'null', superadmin: 'allowed', signedOut: 'UNAUTHENTICATED' },
  },
];

describe.each(ticketMutations)('$name on a ticket', ({ name, query, variables, expect: expected }) => {
  it.each(ACTORS)('as %s', async (actor) => {
    const ticket = await freshTicket();
    const before = await snapshot();
    const result = await graphql(desk.server, query, variables(ticket.id), tokenOf(actor));
    const outcome = expected[actor];
    const body = JSON.stringify(result);
    if (outcome === 'allowed') {
      expect(result.errors).toBeUndefined();
      expect(result.data![name]).toBeTruthy();
      return;
    }
    if (outcome === 'null') expect(result).toEqual({ data: { [name]: null } });
    else expect(result.errors!.map((e) => e.extensions?.code)).toEqual([outcome]);
    expect(body).not.toContain('Confidential');
    expect(body).not.toContain('Secret merger');
    expect(await snapshot()).toEqual(before);
  });
});

describe('queries and mutations without a ticket id', () => {
  let ownerTicketId: string;
  beforeAll(async () => {
    ownerTicketId = (await freshTicket()).id;
  });

  it.each(ACTORS)('myTickets and unreadReplyCount as %s show only their own', async (actor) => {
    const result = await graphql(
      desk.server,
      `
        {
          myTickets {
            totalCount
            nodes {
              id
              subject
            }
          }
          unreadReplyCount
        }
      `,
      {},
      tokenOf(actor),
    );
    if (actor === 'signedOut') {
      expect(result.data).toBeNull();
      expect(result.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      return;
    }
    const ids = result.data!.myTickets.nodes.map((t: { id: string }) => t.id);
    if (actor === 'owner') {
      expect(ids).toContain(ownerTicketId);
      expect(result.data!.unreadReplyCount).toBeGreaterThan(0);
    } else {
      expect(ids).not.toContain(ownerTicketId);
      expect(JSON.stringify(result)).not.toContain('Secret merger');
      if (actor !== 'superadmin') expect(result.data!.unreadReplyCount).toBe(0);
    }
  });

  it.each(ACTORS)('supportTickets, supportStats and teamMembers as %s are for superadmins only', async (actor) => {
    for (const query of [ops.supportTickets, ops.supportStats, ops.teamMembers] as string[]) {
      const result = await graphql(desk.server, query, {}, tokenOf(actor));
      if (actor === 'superadmin') {
        expect(result.errors).toBeUndefined();
        continue;
      }
      expect(result.data).toBeNull();
      expect(result.errors![0].extensions!.code).toBe(actor === 'signedOut' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
  });

  it.each(ACTORS)('createTicket as %s is for customers only', async (actor) => {
    const before = await snapshot();
    const result = await graphql(
      desk.server,
      ops.createTicket,
      { input: { subject: 'Hi', category: 'OTHER', message: 'Hello' } },
      tokenOf(actor),
    );
    if (['owner', 'sameTenant', 'otherTenant'].includes(actor)) {
      expect(result.data!.createTicket.status).toBe('OPEN');
      return;
    }
    expect(result.errors![0].extensions!.code).toBe(actor === 'signedOut' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });

  it.each(ACTORS)('me as %s', async (actor) => {
    const { data } = await graphql(desk.server, ops.me, {}, tokenOf(actor));
    if (actor === 'signedOut') expect(data!.me).toBeNull();
    else expect(data!.me!.email).toBe(users[actor].email);
  });
});
