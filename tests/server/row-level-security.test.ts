import { createHash } from 'node:crypto';
import { SqlCapture } from '../../bench/sql-capture';
import { withViewer } from '../../server/db/viewer-transaction';
import { SignedIn, signIn, signedInUser } from '../helpers/accounts';
import { TestServer } from '../helpers/server';
import { api, openDesk } from '../helpers/support-api';

// The second wall: a query that skips the service's scoped path (a resolver bug, a forged query)
// still reaches only the viewer's rows, because PostgreSQL itself enforces the rule.
let server: TestServer;
let desk: ReturnType<typeof api>;
let customer: SignedIn;
let admin: SignedIn;
let stranger: SignedIn;
let ticketId: string;

beforeAll(async () => {
  ({ server, desk, customer, admin } = await openDesk());
  stranger = await signedInUser(server, 'customer', 'Initech');
  ticketId = (await desk.createTicket(customer.token, { subject: 'Layoff plan', message: 'Strictly confidential' })).id;
  await desk.reply(admin.token, ticketId, 'Noted');
});
afterAll(() => server.close());

/** A transaction of the user's session, as the server opens them. */
const sessionOf = (token: string) => ({ sessionKey: createHash('sha256').update(token).digest('hex') });
const as = (user: SignedIn) => sessionOf(user.token);

it('hides another customer’s ticket and replies from a forged, unscoped query', async () => {
  const forged = await withViewer(server.db, as(stranger), async (manager) => ({
    tickets: await manager.query('SELECT * FROM support_tickets'),
    byId: await manager.query('SELECT * FROM support_tickets WHERE id = $1', [ticketId]),
    replies: await manager.query('SELECT * FROM support_replies WHERE ticket_id = $1', [ticketId]),
    search: await manager.query(`SELECT * FROM support_ticket_search('Layoff', NULL, NULL, NULL, NULL, 50)`),
  }));
  expect(forged).toEqual({ tickets: [], byId: [], replies: [], search: [] });
});

it('shows the owner and the Lex team the same rows through the same forged query', async () => {
  const count = (user: SignedIn) =>
    withViewer(
      server.db,
      as(user),
      async (manager) => (await manager.query('SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1', [ticketId]))[0].n,
    );
  expect(await count(customer)).toBe(2);
  expect(await count(admin)).toBe(2);
});

it('refuses forged writes to another customer’s ticket', async () => {
  await withViewer(server.db, as(stranger), async (manager) => {
    const [, updated] = await manager.query(`UPDATE support_tickets SET subject = 'pwned' WHERE id = $1`, [ticketId]);
    expect(updated).toBe(0);
    const [, deleted] = await manager.query(`DELETE FROM support_replies WHERE ticket_id = $1`, [ticketId]);
    expect(deleted).toBe(0);
  });
  await expect(
    withViewer(server.db, as(stranger), (manager) =>
      manager.query(`INSERT INTO support_replies (ticket_id, message, is_admin, sender_name) VALUES ($1, 'injected', true, 'Lex')`, [
        ticketId,
      ]),
    ),
  ).rejects.toThrow(/row-level security/);
  const [ticket] = await server.sql('SELECT subject FROM support_tickets WHERE id = $1', [ticketId]);
  expect(ticket.subject).toBe('Layoff plan');
  expect(await server.sql('SELECT message FROM support_replies WHERE ticket_id = $1 ORDER BY created_at', [ticketId])).toEqual([
    { message: 'Strictly confidential' },
    { message: 'Noted' },
  ]);
});

it('shows nothing to a connection that set no viewer at all', async () => {
  expect(await server.db.query('SELECT * FROM support_tickets')).toEqual([]);
});

it('works as a login role that owns no table, does not bypass row-level security and cannot become the owner', async () => {
  const [{ owner }] = await server.sql(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'support_tickets'`);
  const [role] = await server.db.query(
    `SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass, pg_has_role(current_user, $1, 'MEMBER') AS "ownerMember",
            (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    [owner],
  );
  expect(role).toEqual({ name: 'lex_support_app_login', super: false, bypass: false, ownerMember: false, owned: 0 });
});

// SQL an attacker got onto the server's own connections (an injection): everything it may try to
// become someone else, in the stranger's own transaction. Each attempt runs in a transaction of its own.
describe('forged SQL on the server’s runtime connection', () => {
  const forged = <T>(sql: string, params: unknown[] = []) =>
    withViewer<T>(server.db, as(stranger), (manager) => manager.query(sql, params));

  it('cannot switch to the tables’ owner', async () => {
    const [{ owner }] = await server.sql(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'support_tickets'`);
    await expect(forged(`SET ROLE ${owner}`)).rejects.toThrow(/permission denied/);
    await expect(forged(`SET SESSION AUTHORIZATION ${owner}`)).rejects.toThrow(/permission denied/);
  });

  it('sees nothing more after claiming to be the Lex team or another user in the old settings', async () => {
    const seen = await withViewer(server.db, as(stranger), async (manager) => {
      await manager.query(`SELECT set_config('app.role', 'superadmin', true), set_config('app.user_id', $1, true)`, [customer.id]);
      return {
        tickets: await manager.query('SELECT id FROM support_tickets'),
        replies: await manager.query('SELECT id FROM support_replies'),
        search: await manager.query(`SELECT * FROM support_ticket_search('Layoff', 'UPDATED_DESC', NULL, NULL, NULL, 50)`),
        counts: await manager.query('SELECT * FROM support_ticket_counts'),
        assignmentCounts: await manager.query('SELECT * FROM support_assignment_counts'),
      };
    });
    expect(seen).toEqual({ tickets: [], replies: [], search: [], counts: [], assignmentCounts: [] });
  });

  it('cannot read the keys of other sessions, nor mint a session of its own', async () => {
    await expect(forged('SELECT token_hash FROM sessions')).rejects.toThrow(/permission denied/);
    await expect(forged('SELECT password_hash FROM users')).rejects.toThrow(/permission denied/);
    await expect(
      forged(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, 'forged', now() + interval '1 day')`, [admin.id]),
    ).rejects.toThrow(/permission denied/);
    await expect(forged(`UPDATE users SET role = 'superadmin' WHERE id = $1`, [stranger.id])).rejects.toThrow(/permission denied/);
    await expect(forged('SELECT support_customer_unread($1)', [customer.id])).rejects.toThrow(/permission denied/);
    await expect(forged(`UPDATE tenants SET name = 'pwned'`)).rejects.toThrow(/permission denied/);
  });

  it('gets nothing from a session key it guesses, nor from one that ended or expired', async () => {
    const [ended, expired] = [
      await signIn(server, customer.email, customer.password),
      await signIn(server, customer.email, customer.password),
    ];
    await server.sql('DELETE FROM sessions WHERE token_hash = $1', [sessionOf(ended).sessionKey]);
    await server.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sessionOf(expired).sessionKey]);
    const guessed = createHash('sha256').update('a guess').digest('hex');
    for (const key of [sessionOf(ended).sessionKey, sessionOf(expired).sessionKey, guessed]) {
      expect(await withViewer(server.db, { sessionKey: key }, (manager) => manager.query('SELECT id FROM support_tickets'))).toEqual([]);
    }
    // The customer's live session still reaches the ticket.
    expect(await withViewer(server.db, as(customer), (manager) => manager.query('SELECT id FROM support_tickets'))).toEqual([
      { id: ticketId },
    ]);
  });
});

it('refuses a session key that is not a hex SHA-256 before any SQL: the key is inlined as a literal', async () => {
  const capture = SqlCapture.install(server.db);
  const malformed = [
    `${'0'.repeat(64)}', true); SELECT set_config('app.session', '`,
    `x'); DROP TABLE support_tickets; --`,
    sessionOf(customer.token).sessionKey.toUpperCase(),
    `${sessionOf(customer.token).sessionKey}\n`,
    `${sessionOf(customer.token).sessionKey}'`,
    customer.id,
    'superadmin',
    '',
  ];
  for (const key of malformed) {
    const { statements } = await capture.during(() =>
      expect(withViewer(server.db, { sessionKey: key }, (manager) => manager.query('SELECT id FROM support_tickets'))).rejects.toThrow(
        /hex SHA-256/,
      ),
    );
    expect(statements).toEqual([]);
  }
  // The table is still there, and the customer's live session still reaches their ticket.
  expect(await withViewer(server.db, as(customer), (manager) => manager.query('SELECT id FROM support_tickets'))).toEqual([
    { id: ticketId },
  ]);
});
