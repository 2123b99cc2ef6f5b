import fc from 'fast-check';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { GraphQLResponse } from '../helpers/graphql';
import { AutoCloseJob, autoCloseKeys } from '../../server/lifecycle/auto-close';
import { TestServer, startTestServer } from '../helpers/server';
import { Ticket, api, ops } from '../helpers/support-api';
import { ratingOps } from '../helpers/operations';

// The model-based test of issue 6: random sequences of create / reply / close / set status / mark
// read / reads, and of the team desk's assign / internal note, by three customers of two tenants and
// two Lex team members, against the real API. The model below is written from the rules of
// docs/architecture.md §1 and §8 (it does not call the server's status machine); after every command
// the whole desk is read back, as every actor sees it, and compared with it: statuses, replies
// (content, order, ids), unread counts of both sides, the customers' and the team's unread totals,
// stats, list order and totals, assignees and the "Mine" and "Unassigned" lists, and visibility: a
// customer never sees another customer's ticket, a tenant-mate's included, by any route, and never
// an internal note or an assignee (replies, lastReply, unread counts, list order, search). Timelines
// too: every command leaves exactly the events it should, and a customer sees only the customer
// kinds of their own, without team members' names (docs/architecture.md §10). The auto-close job runs
// among the commands, through the ticket commands as the worker runs it, with the job the last answer queued.
//
// One server for the file; each run starts from an empty desk (the tables' owner truncates the
// tickets), so the model's expectations are absolute, not deltas. MODEL_RUNS scales the run count:
// 25 runs with the team desk's commands take about what 35 took without them (each command's sweep
// reads more: notes, assignees, three more lists).

jest.setTimeout(600_000);

const SCALE = Number(process.env.MODEL_RUNS ?? 1);
const NUM_RUNS = Math.max(1, Math.round(25 * SCALE));
const MAX_COMMANDS = 40;

// ---------------------------------------------------------------------------------------------
// The model

type Status = 'OPEN' | 'IN_PROGRESS' | 'ANSWERED' | 'CLOSED';
const STATUSES: readonly Status[] = ['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'];
const CATEGORIES = ['TECHNICAL', 'LEX_QUESTION', 'BILLING', 'CAO_RELATED', 'OTHER'] as const;

/** Actors 0–2 are customers (0 and 1 share a tenant), 3 and 4 are superadmins (the Lex team); 3 reads the desk back. */
type Actor = 0 | 1 | 2 | 3 | 4;
type TeamMember = 3 | 4;
const ADMIN: TeamMember = 3;
const COLLEAGUE: TeamMember = 4;
const CUSTOMERS: Actor[] = [0, 1, 2];
const TENANT_OF = ['Alpha Legal', 'Alpha Legal', 'Beta Payroll'];
const isTeam = (actor: Actor): actor is TeamMember => actor === ADMIN || actor === COLLEAGUE;
const actorName = (actor: Actor) => (actor === ADMIN ? 'admin' : actor === COLLEAGUE ? 'colleague' : `c${actor}`);

interface ModelReply {
  /** Learned from the mutation that wrote it; from then on the reply must keep it. */
  id: string;
  message: string;
  isAdmin: boolean;
  /** An internal note: the Lex team's only. */
  isInternal: boolean;
  sender: Actor;
}

interface ModelTicket {
  id: string;
  owner: Actor;
  subject: string;
  category: string;
  status: Status;
  replies: ModelReply[];
  /** Replies from the Lex team the customer has not read. */
  customerUnread: number;
  /** Replies from the customer the Lex team has not read. */
  adminUnread: number;
  /** Logical time of the last change that moves updated_at (creation, a public reply, a status change). */
  touched: number;
  /** The team member the ticket is assigned to (docs/architecture.md §8). */
  assignee: TeamMember | null;
  /** The timeline, oldest first (docs/architecture.md §10). */
  events: ModelEvent[];
  /** Which close the customer rated (the count of closes then, see `closesOf`); unset: none rated. */
  ratedClose?: number;
}

interface Model {
  tickets: ModelTicket[];
  clock: number;
  messages: number;
}

/** What the rules (docs/architecture.md §1, 5–8) say a status becomes, or an error code for a refused change. */
const rules = {
  customerReply: (s: Status): Status => (s === 'ANSWERED' || s === 'CLOSED' ? 'OPEN' : s),
  adminReply: (_s: Status): Status => 'ANSWERED',
  close: (_s: Status): Status => 'CLOSED',
  setStatus(s: Status, to: Status): Status | 'BAD_USER_INPUT' {
    if (to === 'IN_PROGRESS' || to === 'CLOSED') return to; // Mark In Progress / Mark Resolved: from any status
    if (to === 'OPEN') return s === 'CLOSED' || s === 'OPEN' ? 'OPEN' : 'BAD_USER_INPUT'; // Reopen: closed → open only
    return 'BAD_USER_INPUT'; // ANSWERED only ever comes from a reply of the Lex team
  },
};

/** A ticket is chosen when the command runs: one of the actor's own (when preferred and there is one), any, or one that never existed. */
type Target = { kind: 'known'; pick: number; preferOwn: boolean } | { kind: 'ghost'; id: string };

function resolve(model: Model, actor: Actor, target: Target): ModelTicket | { ghost: string } {
  if (target.kind === 'ghost') return { ghost: target.id };
  const own = model.tickets.filter((t) => t.owner === actor);
  const pool = target.preferOwn && own.length ? own : model.tickets;
  return pool[target.pick % pool.length];
}

const isGhost = (t: ModelTicket | { ghost: string }): t is { ghost: string } => 'ghost' in t;
/** Whether the actor may see the ticket at all (rules 1 and 2). */
const visibleTo = (actor: Actor, t: ModelTicket | { ghost: string }) => !isGhost(t) && (isTeam(actor) || t.owner === actor);
/** The conversation as the viewer reads it: the team all of it, a customer no note. */
const repliesSeenBy = (viewer: Actor, t: ModelTicket) => (isTeam(viewer) ? t.replies : t.replies.filter((r) => !r.isInternal));
const idOf = (t: ModelTicket | { ghost: string }) => (isGhost(t) ? t.ghost : t.id);
const label = (model: Model, t: ModelTicket | { ghost: string }) => (isGhost(t) ? 'ghost' : `t${model.tickets.indexOf(t)}`);

/** Messages are numbered per run, so that order and identity are unmistakable; padding tests the trim. */
function nextMessage(model: Model, text: string, pad: string) {
  model.messages += 1;
  const sent = `${pad}#${model.messages} ${text}${pad}`;
  return { sent, stored: sent.trim() };
}

// ---------------------------------------------------------------------------------------------
// The timeline: what each change leaves, and what a customer may see of it

type EventKind = 'CREATED' | 'STATUS_CHANGED' | 'ASSIGNED' | 'UNASSIGNED' | 'AUTO_CLOSED' | 'RATED';
interface ModelEvent {
  kind: EventKind;
  /** Null: the system (the auto-close job). */
  actor: Actor | null;
  from?: Status;
  to?: Status;
  /** ASSIGNED: the new assignee; UNASSIGNED: the one before. */
  assignee?: TeamMember;
}
const CUSTOMER_KINDS: EventKind[] = ['CREATED', 'STATUS_CHANGED', 'AUTO_CLOSED', 'RATED'];

/** A status change leaves an event; keeping the status leaves none. */
function moveStatus(t: ModelTicket, to: Status, actor: Actor) {
  if (to !== t.status) t.events.push({ kind: 'STATUS_CHANGED', actor, from: t.status, to });
  t.status = to;
}

// ---------------------------------------------------------------------------------------------
// The real system, and how it is compared with the model

interface Real {
  users: SignedIn[];
  /** The updated_at / closed_at last seen for each ticket, with the model's logical time then. */
  seen: Map<string, { touched: number; updatedAt: string; closedAt: string | null }>;
}

let server: TestServer;
let desk: ReturnType<typeof api>;
let users: SignedIn[];

const raw = (actor: Actor, query: string, variables: Record<string, unknown> = {}) => desk.raw(query, variables, users[actor].token);

function data<T = any>(answer: GraphQLResponse<T>, what: string): T {
  if (answer.errors?.length) throw new Error(`${what}: unexpected errors ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

/** `expect(actual).toEqual(expected)`, saying where when it fails. */
function same(actual: unknown, expected: unknown, where: string) {
  try {
    expect(actual).toEqual(expected);
  } catch (error) {
    throw new Error(`${where}: differs from the model\n${(error as Error).message}`);
  }
}

/** Refused with `code` (and `field`), with no data of the ticket in the answer. */
function expectRefused(answer: GraphQLResponse, code: string, what: string, field?: string): string {
  const error = answer.errors?.[0];
  if (error?.extensions?.code !== code || (field !== undefined && error.extensions.field !== field)) {
    throw new Error(`${what}: expected ${code}${field ? ` (field ${field})` : ''}, got ${JSON.stringify(answer).slice(0, 600)}`);
  }
  same(answer.data ?? null, null, `${what}: the refusal's data`);
  return `${what} → ${code}`;
}

const byRecency = (tickets: ModelTicket[]) => [...tickets].sort((a, b) => b.touched - a.touched);

/**
 * The fields of a ticket in the sweeps' lists: all of TICKET but `tenant`, which is checked wherever
 * a single ticket is read (every mutation's answer and supportTicket), with the assignee and which
 * replies are notes. A run has at most MAX_COMMANDS tickets of at most MAX_COMMANDS + 1 replies and
 * notes: pages of 50 tickets of 45 replies hold them all and stay within the cost limit
 * (1 + 50 × (1 + 1 + 1 + 45) objects of 2,500).
 */
const LISTED = `id subject category status createdAt updatedAt closedAt userName userEmail unreadCount
  assignee { id } lastReply { id message isAdmin } replies(last: 45) { id message isAdmin isInternal senderName createdAt }`;

/** One ticket as `viewer` sees it, against the model (`tenant` and `lastReply` when asked for). */
function expectTicket(real: Real, view: Ticket | null | undefined, t: ModelTicket, viewer: Actor, where: string) {
  if (!view) throw new Error(`${where}: ${actorName(viewer)} cannot see ticket ${t.id}`);
  const owner = real.users[t.owner];
  const seen = repliesSeenBy(viewer, t);
  const last = seen[seen.length - 1];
  // Whether a reply is a note, where the view says it.
  const noteFlag = (isInternal: boolean) => ('isInternal' in (view.replies[0] ?? {}) ? { isInternal } : {});
  const expected: Record<string, unknown> = {
    id: t.id,
    subject: t.subject,
    category: t.category,
    status: t.status,
    userName: owner.name,
    userEmail: owner.email,
    unreadCount: isTeam(viewer) ? t.adminUnread : t.customerUnread,
    replies: seen.map((r) => ({
      id: r.id,
      message: r.message,
      isAdmin: r.isAdmin,
      senderName: real.users[r.sender].name,
      ...noteFlag(r.isInternal),
    })),
  };
  const actual: Record<string, unknown> = {
    id: view.id,
    subject: view.subject,
    category: view.category,
    status: view.status,
    userName: view.userName,
    userEmail: view.userEmail,
    unreadCount: view.unreadCount,
    replies: view.replies.map(({ id, message, isAdmin, senderName, isInternal }) => ({
      id,
      message,
      isAdmin,
      senderName,
      ...noteFlag(isInternal),
    })),
  };
  if ('tenant' in view) {
    expected.tenant = { name: TENANT_OF[t.owner] };
    actual.tenant = view.tenant;
  }
  if ('lastReply' in view) {
    expected.lastReply = { id: last.id, message: last.message, isAdmin: last.isAdmin };
    actual.lastReply = view.lastReply;
  }
  if ('assignee' in view) {
    // The team sees who owns the ticket; a customer never does.
    expected.assignee = isTeam(viewer) && t.assignee !== null ? { id: real.users[t.assignee].id } : null;
    actual.assignee = (view as { assignee?: unknown }).assignee;
  }
  try {
    expect(actual).toEqual(expected);
    // Closed exactly when closed (rule 7); times in order.
    expect(view.closedAt === null).toBe(t.status !== 'CLOSED');
    const times = view.replies.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Date.parse(view.updatedAt)).toBeGreaterThanOrEqual(Date.parse(view.createdAt));
    // Rule 4: every public reply and status change moves updated_at; nothing else (a no-op, a read, a
    // refusal, a note, an assignment) does.
    const before = real.seen.get(t.id);
    if (before && before.touched === t.touched) {
      expect({ updatedAt: view.updatedAt, closedAt: view.closedAt }).toEqual({ updatedAt: before.updatedAt, closedAt: before.closedAt });
    } else if (before) {
      expect(Date.parse(view.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    }
  } catch (error) {
    throw new Error(`${where}: ticket ${t.id} as ${actorName(viewer)} sees it differs from the model\n${(error as Error).message}`);
  }
  real.seen.set(t.id, { touched: t.touched, updatedAt: view.updatedAt, closedAt: view.closedAt });
}

// Each sweep is two requests per actor: a list with the tickets' conversations costs most of what
// one operation may.
const TEAM_LIST = `{ supportTickets(first: 50) { nodes { ${LISTED} } } }`;
const TEAM_COUNTS = `query ($admin: ID!, $colleague: ID!) {
  supportTickets(first: 1) { totalCount } supportStats { open inProgress answered closed total mine unassigned } unreadReplyCount
  myTickets(first: 100) { totalCount nodes { id } }
  mine: supportTickets(first: 50, filter: { assigneeId: $admin }) { totalCount nodes { id } }
  theirs: supportTickets(first: 50, filter: { assigneeId: $colleague }) { totalCount nodes { id } }
  unassigned: supportTickets(first: 50, filter: { unassigned: true }) { totalCount nodes { id } } }`;
const CUSTOMER_LIST = `{ myTickets(first: 50) { nodes { ${LISTED} } } }`;

/** At most this many other customers' tickets are probed per request (graphql-armor allows 15 aliases). */
const PROBES_PER_REQUEST = 12;

function customerProbes(probes: number) {
  const variables = Array.from({ length: probes }, (_, i) => `$p${i}: ID!`).join(', ');
  const fields = Array.from({ length: probes }, (_, i) => `p${i}: supportTicket(id: $p${i}) { id subject }`).join('\n');
  return `query${probes ? ` (${variables})` : ''} { unreadReplyCount myTickets(first: 1) { totalCount } ${fields} }`;
}

/** supportStats as `viewer` reads them: "Mine" and "Unassigned" count the tickets that are not closed. */
const statsOf = (tickets: ModelTicket[], viewer: TeamMember) => {
  const count = (s: Status) => tickets.filter((t) => t.status === s).length;
  const notClosed = tickets.filter((t) => t.status !== 'CLOSED');
  return {
    open: count('OPEN'),
    inProgress: count('IN_PROGRESS'),
    answered: count('ANSWERED'),
    closed: count('CLOSED'),
    total: tickets.length,
    mine: notClosed.filter((t) => t.assignee === viewer).length,
    unassigned: notClosed.filter((t) => t.assignee === null).length,
  };
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The whole desk, as each actor sees it, against the model; and the stored rows, as their owner sees them. */
async function checkEverything(model: Model, real: Real, after: string) {
  // The Lex team: every ticket of both tenants, most recently updated first, exactly as modelled.
  const team = data(await raw(ADMIN, TEAM_LIST), `${after}: the team's list`);
  const expectedOrder = byRecency(model.tickets);
  same(
    team.supportTickets.nodes.map((n: Ticket) => n.id),
    expectedOrder.map((t) => t.id),
    `${after}: supportTickets (ids, most recent first)`,
  );
  expectedOrder.forEach((t, i) => expectTicket(real, team.supportTickets.nodes[i], t, ADMIN, `${after}: supportTickets`));
  const counts = data(
    await raw(ADMIN, TEAM_COUNTS, { admin: real.users[ADMIN].id, colleague: real.users[COLLEAGUE].id }),
    `${after}: the team's counts`,
  );
  const listOf = (tickets: ModelTicket[]) => ({ totalCount: tickets.length, nodes: tickets.map((t) => ({ id: t.id })) });
  same(
    {
      total: counts.supportTickets.totalCount,
      stats: counts.supportStats,
      unread: counts.unreadReplyCount,
      myTickets: counts.myTickets,
      mine: counts.mine,
      theirs: counts.theirs,
      unassigned: counts.unassigned,
    },
    {
      total: model.tickets.length,
      stats: statsOf(model.tickets, ADMIN),
      unread: sum(model.tickets.map((t) => t.adminUnread)),
      myTickets: listOf([]), // the team has no tickets of its own
      mine: listOf(expectedOrder.filter((t) => t.assignee === ADMIN)),
      theirs: listOf(expectedOrder.filter((t) => t.assignee === COLLEAGUE)),
      unassigned: listOf(expectedOrder.filter((t) => t.assignee === null)),
    },
    `${after}: the team's totals, stats, unread count and the Mine and Unassigned lists`,
  );

  // Each customer: their own tickets only, and none of anyone else's, a tenant-mate's included.
  for (const customer of CUSTOMERS) {
    const own = byRecency(model.tickets.filter((t) => t.owner === customer));
    const where = `${after}: c${customer}'s myTickets`;
    const { myTickets } = data(await raw(customer, CUSTOMER_LIST), where);
    same(
      myTickets.nodes.map((n: Ticket) => n.id),
      own.map((t) => t.id),
      `${where} (ids, most recent first)`,
    );
    own.forEach((t, i) => expectTicket(real, myTickets.nodes[i], t, customer, where));

    const foreign = model.tickets.filter((t) => t.owner !== customer).map((t) => t.id);
    for (let start = 0; start === 0 || start < foreign.length; start += PROBES_PER_REQUEST) {
      const chunk = foreign.slice(start, start + PROBES_PER_REQUEST);
      const probed = data(
        await raw(customer, customerProbes(chunk.length), Object.fromEntries(chunk.map((id, i) => [`p${i}`, id]))),
        `${after}: c${customer}'s probes`,
      );
      chunk.forEach((id, i) => {
        if (probed[`p${i}`] !== null)
          throw new Error(`${after}: c${customer} sees ticket ${id} of another customer: ${JSON.stringify(probed[`p${i}`])}`);
      });
      same(
        { unreadReplyCount: probed.unreadReplyCount, totalCount: probed.myTickets.totalCount },
        { unreadReplyCount: sum(own.map((t) => t.customerUnread)), totalCount: own.length },
        `${after}: c${customer}'s unreadReplyCount and myTickets.totalCount`,
      );
    }
  }

  // Refused commands wrote nothing: the stored rows are exactly the modelled ones.
  const [rows] = await server.sql(
    `SELECT (SELECT count(*) FROM support_tickets)::int AS tickets, (SELECT count(*) FROM support_replies)::int AS replies`,
  );
  same(rows, { tickets: model.tickets.length, replies: sum(model.tickets.map((t) => t.replies.length)) }, `${after}: the stored rows`);
  await checkTimelines(model, real, after);
}

/** Every stored event is one the model expects, in order; each customer sees exactly the customer kinds of their own, with no team names. */
async function checkTimelines(model: Model, real: Real, after: string) {
  const name = (actor?: Actor | null) => (actor === undefined || actor === null ? null : real.users[actor].name);
  const role = (actor: Actor | null) => (actor === null ? null : isTeam(actor) ? 'superadmin' : 'customer');
  const stored = await server.sql(
    `SELECT ticket_id, kind, actor_id, actor_name, actor_role, from_status, to_status, assignee_name FROM ticket_events ORDER BY ticket_id, seq`,
  );
  const expected = [...model.tickets]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .flatMap((t) =>
      t.events.map((e) => ({
        ticket_id: t.id,
        kind: e.kind.toLowerCase(),
        actor_id: e.actor === null ? null : real.users[e.actor].id,
        actor_name: name(e.actor),
        actor_role: role(e.actor),
        from_status: e.from?.toLowerCase() ?? null,
        to_status: e.to?.toLowerCase() ?? null,
        assignee_name: name(e.assignee),
      })),
    );
  same(stored, expected, `${after}: the stored timelines`);

  // Priced as 1 + 100 objects each (an unsized list), 20 tickets fit in one request.
  for (const customer of CUSTOMERS) {
    const own = model.tickets.filter((t) => t.owner === customer);
    for (let start = 0; start < own.length; start += 20) {
      const chunk = own.slice(start, start + 20);
      const query = `query (${chunk.map((_, i) => `$t${i}: ID!`).join(', ')}) { ${chunk
        .map((_, i) => `t${i}: supportTicket(id: $t${i}) { events { kind actorName actorRole fromStatus toStatus assigneeName } }`)
        .join(' ')} }`;
      const seen = data(
        await raw(customer, query, Object.fromEntries(chunk.map((t, i) => [`t${i}`, t.id]))),
        `${after}: c${customer}'s timelines`,
      );
      chunk.forEach((t, i) =>
        same(
          seen[`t${i}`].events,
          t.events
            .filter((e) => CUSTOMER_KINDS.includes(e.kind))
            .map((e) => ({
              kind: e.kind,
              // The Lex team acts as "the team" for customers: never a team member's name.
              actorName: role(e.actor) === 'customer' ? name(e.actor) : null,
              actorRole: role(e.actor)?.toUpperCase() ?? null,
              fromStatus: e.from ?? null,
              toStatus: e.to ?? null,
              assigneeName: null,
            })),
          `${after}: t${model.tickets.indexOf(t)}'s timeline as c${customer} sees it`,
        ),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

type Command = fc.AsyncCommand<Model, Real>;

abstract class DeskCommand implements Command {
  abstract check(model: Readonly<Model>): boolean;
  abstract act(model: Model, real: Real): Promise<string>;
  abstract toString(): string;
  async run(model: Model, real: Real) {
    const what = await this.act(model, real);
    await checkEverything(model, real, `after ${what}`);
  }
}

abstract class TicketCommand extends DeskCommand {
  constructor(
    readonly actor: Actor,
    readonly target: Target,
  ) {
    super();
  }
  check(model: Readonly<Model>) {
    return this.target.kind === 'ghost' || model.tickets.length > 0;
  }
  protected describe(model: Model, t: ModelTicket | { ghost: string }, action: string) {
    return `${actorName(this.actor)} ${action} ${label(model, t)}`;
  }
  protected targetText() {
    return this.target.kind === 'ghost' ? 'ghost' : `#${this.target.pick}${this.target.preferOwn ? '(own)' : ''}`;
  }
}

class Create extends DeskCommand {
  constructor(
    readonly actor: Actor,
    readonly subject: string,
    readonly category: string,
    readonly text: string,
    readonly pad: string,
  ) {
    super();
  }
  check() {
    return true;
  }
  async act(model: Model, real: Real) {
    const { sent, stored } = nextMessage(model, this.text, this.pad);
    const subject = `${this.pad}${this.subject}${this.pad}`;
    const answer = await raw(this.actor, ops.createTicket, { input: { subject, category: this.category, message: sent } });
    const what = `${actorName(this.actor)} creates`;
    if (isTeam(this.actor)) {
      return expectRefused(answer, 'FORBIDDEN', what);
    }
    const created = data<{ createTicket: Ticket }>(answer, what).createTicket;
    model.clock += 1;
    const ticket: ModelTicket = {
      id: created.id,
      owner: this.actor,
      subject: subject.trim(),
      category: this.category,
      status: 'OPEN',
      replies: [{ id: created.replies[0]?.id, message: stored, isAdmin: false, isInternal: false, sender: this.actor }],
      customerUnread: 0,
      adminUnread: 1, // the team has not read the first message yet
      touched: model.clock,
      assignee: null,
      events: [{ kind: 'CREATED', actor: this.actor, to: 'OPEN' }],
    };
    model.tickets.push(ticket);
    expectTicket(real, created, ticket, this.actor, what);
    same(created.updatedAt, created.createdAt, `${what}: updatedAt of a new ticket`);
    return `${what} t${model.tickets.length - 1}`;
  }
  toString() {
    return `create(${actorName(this.actor)}, ${JSON.stringify(this.subject)}, ${this.category}, ${JSON.stringify(this.text)}, pad ${JSON.stringify(this.pad)})`;
  }
}

/** A command that writes a message on a ticket: a reply or a note. */
abstract class MessageCommand extends TicketCommand {
  constructor(
    actor: Actor,
    target: Target,
    readonly text: string,
    readonly pad: string,
  ) {
    super(actor, target);
  }
  protected abstract readonly kind: string;
  toString() {
    return `${this.kind}(${actorName(this.actor)}, ${this.targetText()}, ${JSON.stringify(this.text)}, pad ${JSON.stringify(this.pad)})`;
  }
}

class Reply extends MessageCommand {
  protected readonly kind = 'reply';
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, 'replies to');
    const visible = visibleTo(this.actor, t);
    // A refused reply still takes a number: numbers only need to be unique.
    const { sent, stored } = nextMessage(model, this.text, this.pad);
    const answer = await raw(this.actor, ops.replyToTicket, { input: { ticketId: idOf(t), message: sent } });
    if (!visible || isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    const reply = data(answer, what).replyToTicket;
    const fromAdmin = isTeam(this.actor);
    moveStatus(t, fromAdmin ? rules.adminReply(t.status) : rules.customerReply(t.status), this.actor);
    t.replies.push({ id: reply.id, message: stored, isAdmin: fromAdmin, isInternal: false, sender: this.actor });
    // Writing means having read; the other side has one more to read.
    if (isTeam(this.actor)) {
      t.customerUnread += 1;
      t.adminUnread = 0;
      // An unassigned ticket is the first public replier's (docs/architecture.md §8).
      if (t.assignee === null) t.events.push({ kind: 'ASSIGNED', actor: this.actor, assignee: this.actor });
      t.assignee ??= this.actor;
    } else {
      t.adminUnread += 1;
      t.customerUnread = 0;
    }
    t.touched = ++model.clock;
    same(
      {
        ticketId: reply.ticketId,
        message: reply.message,
        isAdmin: reply.isAdmin,
        isInternal: reply.isInternal,
        senderName: reply.senderName,
        status: reply.ticket.status,
      },
      { ticketId: t.id, message: stored, isAdmin: fromAdmin, isInternal: false, senderName: real.users[this.actor].name, status: t.status },
      `${what}: the reply`,
    );
    return `${what} → ${t.status}`;
  }
}

class Close extends TicketCommand {
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, 'closes');
    const answer = await raw(this.actor, ops.closeTicket, { id: idOf(t) });
    if (!visibleTo(this.actor, t) || isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    const next = rules.close(t.status);
    if (next !== t.status) {
      moveStatus(t, next, this.actor);
      t.touched = ++model.clock;
    }
    expectTicket(real, data(answer, what).closeTicket, t, this.actor, what);
    return `${what} → ${t.status}`;
  }
  toString() {
    return `close(${actorName(this.actor)}, ${this.targetText()})`;
  }
}

class SetStatus extends TicketCommand {
  constructor(
    actor: Actor,
    target: Target,
    readonly status: Status,
  ) {
    super(actor, target);
  }
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, `sets ${this.status} on`);
    const answer = await raw(this.actor, ops.setTicketStatus, { id: idOf(t), status: this.status });
    if (!isTeam(this.actor)) {
      return expectRefused(answer, 'FORBIDDEN', what); // whosever ticket it is, the customer's own included
    }
    if (this.status === 'ANSWERED') {
      return expectRefused(answer, 'BAD_USER_INPUT', what, 'status');
    }
    if (isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    const next = rules.setStatus(t.status, this.status);
    if (next === 'BAD_USER_INPUT') {
      return expectRefused(answer, 'BAD_USER_INPUT', `${what} (${t.status})`, 'status');
    }
    if (next !== t.status) {
      moveStatus(t, next, this.actor);
      t.touched = ++model.clock;
    }
    expectTicket(real, data(answer, what).setTicketStatus, t, this.actor, what);
    return `${what} → ${t.status}`;
  }
  toString() {
    return `setStatus(${actorName(this.actor)}, ${this.targetText()}, ${this.status})`;
  }
}

class MarkRead extends TicketCommand {
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, 'marks read');
    const answer = await raw(this.actor, ops.markTicketRead, { id: idOf(t) });
    if (!visibleTo(this.actor, t) || isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    if (isTeam(this.actor)) t.adminUnread = 0;
    else t.customerUnread = 0;
    expectTicket(real, data(answer, what).markTicketRead, t, this.actor, what);
    return `${what} → ${t.status}`;
  }
  toString() {
    return `markRead(${actorName(this.actor)}, ${this.targetText()})`;
  }
}

/**
 * An internal note (docs/architecture.md §8): the team's only, refused to customers before the ticket
 * is looked at. It changes no status, no unread count and not updated_at; its customer finds it by
 * no route: the sweep after it reads replies, lastReply, counts and order, and here a page before it
 * and a search for the word only it holds.
 */
class Note extends MessageCommand {
  protected readonly kind = 'note';
  async act(model: Model) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, 'notes on');
    const word = `qzxnote${model.messages + 1}`; // a word that stands only in this note
    const { sent, stored } = nextMessage(model, `${this.text} ${word}`, this.pad);
    const answer = await raw(this.actor, ops.replyToTicket, { input: { ticketId: idOf(t), message: sent, internal: true } });
    if (!isTeam(this.actor)) {
      return expectRefused(answer, 'FORBIDDEN', what); // whosever ticket it is, or none
    }
    if (isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    const note = data(answer, what).replyToTicket;
    t.replies.push({ id: note.id, message: stored, isAdmin: true, isInternal: true, sender: this.actor });
    same(
      { message: note.message, isAdmin: note.isAdmin, isInternal: note.isInternal, status: note.ticket.status },
      { message: stored, isAdmin: true, isInternal: true, status: t.status },
      `${what}: the note`,
    );
    const owner = t.owner;
    const before = data(
      await raw(owner, `query ($id: ID!, $before: ID) { supportTicket(id: $id) { replies(before: $before) { id } } }`, {
        id: t.id,
        before: note.id,
      }),
      `${what}: ${actorName(owner)}'s page before the note`,
    );
    same(before.supportTicket.replies, [], `${what}: ${actorName(owner)}'s page before the note`);
    // Search reads tickets' own fields: the note's word finds nothing for the team, and customers may not search.
    const search = { filter: { search: word }, first: 50 };
    same(data(await raw(ADMIN, ops.supportTickets, search), what).supportTickets.totalCount, 0, `${what}: the team's search for the note`);
    expectRefused(await raw(owner, ops.supportTickets, search), 'FORBIDDEN', `${what}: ${actorName(owner)}'s search`);
    return `${what} (${t.status})`;
  }
}

/** Whom an assignment names: a team member, nobody, a customer or an id that is no one's. */
type AssignTo = TeamMember | null | 'customer' | 'nobody';

/**
 * assignTicket (docs/architecture.md §8): the team's only; the assignee must be a team member (else
 * BAD_USER_INPUT naming assigneeId, before the ticket is looked at). Moves no updated_at; the
 * customer never sees an assignee (the sweep reads it as every actor).
 */
class Assign extends TicketCommand {
  constructor(
    actor: Actor,
    target: Target,
    readonly to: AssignTo,
  ) {
    super(actor, target);
  }
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, `assigns ${this.whom()} to`);
    const assigneeId =
      this.to === null ? null : this.to === 'customer' ? real.users[0].id : this.to === 'nobody' ? NOBODY : real.users[this.to].id;
    const answer = await raw(this.actor, ops.assignTicket, { id: idOf(t), assigneeId });
    if (!isTeam(this.actor)) {
      return expectRefused(answer, 'FORBIDDEN', what);
    }
    if (this.to === 'customer' || this.to === 'nobody') {
      return expectRefused(answer, 'BAD_USER_INPUT', what, 'assigneeId');
    }
    if (isGhost(t)) {
      return expectRefused(answer, 'NOT_FOUND', what);
    }
    if (t.assignee !== this.to)
      t.events.push(
        this.to === null
          ? { kind: 'UNASSIGNED', actor: this.actor, assignee: t.assignee! }
          : { kind: 'ASSIGNED', actor: this.actor, assignee: this.to },
      );
    t.assignee = this.to;
    const assigned = data(answer, what).assignTicket;
    same(
      { id: assigned.id, assignee: assigned.assignee?.id ?? null, updatedAt: assigned.updatedAt },
      { id: t.id, assignee: assigneeId, updatedAt: real.seen.get(t.id)?.updatedAt },
      `${what}: the answer`,
    );
    return `${what} t${model.tickets.indexOf(t)}`;
  }
  private whom() {
    return this.to === null ? 'null' : typeof this.to === 'number' ? actorName(this.to) : this.to;
  }
  toString() {
    return `assign(${actorName(this.actor)}, ${this.targetText()}, ${this.whom()})`;
  }
}

/**
 * The auto-close job (docs/architecture.md §10) as the worker runs it, with the job the ticket's last
 * public team answer queued: a ticket has one exactly when the team answered it. The job closes, as the
 * system, a ticket still ANSWERED since that answer (no actor; the closing email is another job), and
 * does nothing otherwise: a reply or a status change since cancelled it; run again, it finds it closed.
 */
class AutoClose extends DeskCommand {
  constructor(readonly pick: number) {
    super();
  }
  check(model: Readonly<Model>) {
    return model.tickets.length > 0;
  }
  async act(model: Model) {
    const t = model.tickets[this.pick % model.tickets.length];
    const what = `the auto-close job runs on t${model.tickets.indexOf(t)}`;
    const [job] = await server.sql<{ payload: AutoCloseJob }>(`SELECT payload FROM graphile_worker._private_jobs WHERE key = $1`, [
      autoCloseKeys(t.id).close,
    ]);
    const answered = t.replies.some((r) => r.isAdmin && !r.isInternal);
    same(job !== undefined, answered, `${what}: a waiting close job exactly when the team answered`);
    if (!job) return `${what}: none waiting`;
    const closed = await server.app.services.commands.autoCloseTicket(t.id, new Date(job.payload.answeredAt), 168);
    same(closed, t.status === 'ANSWERED', `${what}: closed exactly when the ticket waits for its customer`);
    if (closed) {
      t.events.push({ kind: 'AUTO_CLOSED', actor: null, from: t.status, to: 'CLOSED' });
      t.status = 'CLOSED';
      t.touched = ++model.clock;
    }
    return `${what} → ${t.status}`;
  }
  toString() {
    return `autoClose(#${this.pick})`;
  }
}

/** How often a ticket was closed: each close leaves one event that ends in CLOSED. */
const closesOf = (t: ModelTicket) => t.events.filter((e) => e.to === 'CLOSED').length;

/**
 * rateTicket (docs/architecture.md §10): the owner rates the ticket's current close once, 1 to 5. The
 * team is refused before anything is looked at, a score outside 1–5 before the ticket is; then
 * someone else's ticket is not found, an open one or one whose close is rated already is refused
 * naming `id`. A rating leaves a RATED line by the customer and moves nothing else.
 */
class Rate extends TicketCommand {
  constructor(
    actor: Actor,
    target: Target,
    readonly score: number,
  ) {
    super(actor, target);
  }
  async act(model: Model) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, `rates ${this.score}`);
    const answer = await raw(this.actor, ratingOps.rateTicket, { id: idOf(t), score: this.score });
    if (isTeam(this.actor)) return expectRefused(answer, 'FORBIDDEN', what);
    if (this.score < 1 || this.score > 5) return expectRefused(answer, 'BAD_USER_INPUT', what, 'score');
    if (!visibleTo(this.actor, t) || isGhost(t)) return expectRefused(answer, 'NOT_FOUND', what);
    if (t.status !== 'CLOSED' || t.ratedClose === closesOf(t)) return expectRefused(answer, 'BAD_USER_INPUT', what, 'id');
    t.ratedClose = closesOf(t);
    t.events.push({ kind: 'RATED', actor: this.actor });
    const rated = data(answer, what).rateTicket;
    same({ id: rated.id, status: rated.status, score: rated.rating?.score }, { id: t.id, status: t.status, score: this.score }, what);
    return what;
  }
  toString() {
    return `rate(${actorName(this.actor)}, ${this.targetText()}, ${this.score})`;
  }
}

/** A well-formed id of no user. */
const NOBODY = '00000000-0000-4000-8000-000000000000';

/** supportTicket(id): the ticket for its owner and the team, null for anyone else (as for an unknown id). */
class ReadTicket extends TicketCommand {
  async act(model: Model, real: Real) {
    const t = resolve(model, this.actor, this.target);
    const what = this.describe(model, t, 'reads');
    const view = data(await raw(this.actor, ops.supportTicket, { id: idOf(t) }), what).supportTicket;
    if (!visibleTo(this.actor, t) || isGhost(t)) {
      if (view !== null) throw new Error(`${what}: expected null, got ${JSON.stringify(view)}`);
    } else {
      expectTicket(real, view, t, this.actor, what);
    }
    return what;
  }
  toString() {
    return `readTicket(${actorName(this.actor)}, ${this.targetText()})`;
  }
}

/** myTickets(status) for anyone; supportTickets(filter: { status }) for the team, FORBIDDEN for customers. */
class ReadList extends DeskCommand {
  constructor(
    readonly actor: Actor,
    readonly route: 'myTickets' | 'supportTickets',
    readonly status: Status | null,
  ) {
    super();
  }
  check() {
    return true;
  }
  async act(model: Model) {
    const what = `${actorName(this.actor)} lists ${this.route}(${this.status ?? 'all'})`;
    const variables = this.route === 'myTickets' ? { status: this.status, first: 100 } : { filter: { status: this.status }, first: 100 };
    const answer = await raw(this.actor, this.route === 'myTickets' ? ops.myTickets : ops.supportTickets, variables);
    if (this.route === 'supportTickets' && !isTeam(this.actor)) {
      return expectRefused(answer, 'FORBIDDEN', what);
    }
    const list = data(answer, what)[this.route];
    // The team has no tickets of its own.
    const mine = this.route === 'myTickets' ? model.tickets.filter((t) => t.owner === this.actor) : model.tickets;
    const expected = byRecency(mine.filter((t) => this.status === null || t.status === this.status));
    same(
      { ids: list.nodes.map((n: Ticket) => n.id), statuses: list.nodes.map((n: Ticket) => n.status), totalCount: list.totalCount },
      { ids: expected.map((t) => t.id), statuses: expected.map((t) => t.status), totalCount: expected.length },
      what,
    );
    return what;
  }
  toString() {
    return `list(${actorName(this.actor)}, ${this.route}, ${this.status ?? 'all'})`;
  }
}

/** unreadReplyCount and supportStats, by anyone. */
class ReadCounts extends DeskCommand {
  constructor(readonly actor: Actor) {
    super();
  }
  check() {
    return true;
  }
  async act(model: Model) {
    const what = `${actorName(this.actor)} reads the counts`;
    const unread = data(await raw(this.actor, ops.unreadReplyCount), what).unreadReplyCount;
    const stats = await raw(this.actor, ops.supportStats);
    if (isTeam(this.actor)) {
      same(
        { unread, stats: data(stats, what).supportStats },
        { unread: sum(model.tickets.map((t) => t.adminUnread)), stats: statsOf(model.tickets, this.actor) },
        what,
      );
    } else {
      same(unread, sum(model.tickets.filter((t) => t.owner === this.actor).map((t) => t.customerUnread)), what);
      expectRefused(stats, 'FORBIDDEN', what);
    }
    return what;
  }
  toString() {
    return `counts(${actorName(this.actor)})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** The Lex team acts about as often as all customers together. */
const anyActor = fc.constantFrom<Actor>(0, 1, 2, 3, 3, 4);
const customer = fc.constantFrom<Actor>(0, 1, 2);
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('known' as const), pick: fc.nat(), preferOwn: fc.boolean() }) },
  { weight: 1, arbitrary: fc.uuid({ version: 4 }).map((id) => ({ kind: 'ghost' as const, id })) },
);
/** Text of any script (no NUL: that is the fuzz test's), sometimes padded with whitespace the server trims. */
const text = fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !s.includes('\0'));
const pad = fc.constantFrom('', '', ' ', '\n\t ', '\u3000');
const subject = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).map((s) => `Subject ${s}`);

const create = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: customer }, { weight: 1, arbitrary: fc.constantFrom<Actor>(ADMIN, COLLEAGUE) }),
    subject,
    fc.constantFrom(...CATEGORIES),
    text,
    pad,
  )
  .map(([a, s, c, m, p]) => new Create(a, s, c, m, p));
const reply = fc.tuple(anyActor, target, text, pad).map(([a, t, m, p]) => new Reply(a, t, m, p));
const setStatus = fc.tuple(anyActor, target, fc.constantFrom(...STATUSES)).map(([a, t, s]) => new SetStatus(a, t, s));
const note = fc.tuple(anyActor, target, text, pad).map(([a, t, m, p]) => new Note(a, t, m, p));
const assignTo = fc.constantFrom<AssignTo>(ADMIN, ADMIN, COLLEAGUE, COLLEAGUE, null, null, 'customer', 'nobody');
const assign = fc.tuple(anyActor, target, assignTo).map(([a, t, to]) => new Assign(a, t, to));
/** Mostly a customer with a score in range, so that ratings of closed tickets happen within a run. */
const rate = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: customer }, { weight: 1, arbitrary: anyActor }),
    target.map((t) => (t.kind === 'known' ? { ...t, preferOwn: true } : t)),
    fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 6) }),
  )
  .map(([a, t, score]) => new Rate(a, t, score));

// Writes are drawn about twice as often as reads (which the sweep after each command repeats anyway).
const commands = [
  create,
  create,
  reply,
  reply,
  reply,
  setStatus,
  setStatus,
  note,
  note,
  assign,
  assign,
  fc.tuple(anyActor, target).map(([a, t]) => new Close(a, t)),
  fc.tuple(anyActor, target).map(([a, t]) => new MarkRead(a, t)),
  fc.tuple(anyActor, target).map(([a, t]) => new ReadTicket(a, t)),
  fc
    .tuple(anyActor, fc.constantFrom('myTickets' as const, 'supportTickets' as const), fc.option(fc.constantFrom(...STATUSES)))
    .map(([a, r, s]) => new ReadList(a, r, s)),
  anyActor.map((a) => new ReadCounts(a)),
  fc.nat().map((pick) => new AutoClose(pick)),
  rate,
  rate,
];

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  server = await startTestServer();
  desk = api(server);
  // One after another: the first customer of a tenant creates it, the second joins it.
  users = [];
  for (const tenant of TENANT_OF) users.push(await signedInUser(server, 'customer', tenant));
  users.push(await signedInUser(server, 'superadmin'), await signedInUser(server, 'superadmin'));
  const rows = await server.sql<{ id: string; tenant_id: string | null }>(`SELECT id, tenant_id FROM users`);
  const tenantIdOf = (user: SignedIn) => rows.find((row) => row.id === user.id)?.tenant_id;
  expect(tenantIdOf(users[0])).toBe(tenantIdOf(users[1]));
  expect(tenantIdOf(users[0])).not.toBe(tenantIdOf(users[2]));
});

afterAll(() => server?.close());

it(`matches a model of the rules over random sequences (${NUM_RUNS} runs × up to ${MAX_COMMANDS} commands)`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' }), async (sequence) => {
      // An empty desk for every run (the trigger-kept counts are emptied with it).
      await server.sql('TRUNCATE support_tickets CASCADE');
      const setup = () => ({ model: { tickets: [], clock: 0, messages: 0 } as Model, real: { users, seen: new Map() } as Real });
      await fc.asyncModelRun(setup, sequence);
    }),
    { numRuns: NUM_RUNS },
  );
});
