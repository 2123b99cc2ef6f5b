import { Role } from '../../server/accounts/user.entity';
import { withViewer } from '../../server/db/viewer-transaction';
import { SignedIn, signedInUser } from '../helpers/accounts';
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

const as = (user: SignedIn, role = Role.CUSTOMER) => ({ id: user.id, role });

it('hides another customer’s ticket and replies from a forged, unscoped query', async () => {
  const forged = await withViewer(server.db, as(stranger), async (manager) => ({
    tickets: await manager.query('SELECT * FROM support_tickets'),
    byId: await manager.query('SELECT * FROM support_tickets WHERE id = $1', [ticketId]),
    replies: await manager.query('SELECT * FROM support_replies WHERE ticket_id = $1', [ticketId]),
    search: await manager.query(`SELECT * FROM support_ticket_ids_matching('%Layoff%')`),
  }));
  expect(forged).toEqual({ tickets: [], byId: [], replies: [], search: [] });
});

it('shows the owner and the Lex team the same rows through the same forged query', async () => {
  const count = (viewer: { id: string; role: Role }) =>
    withViewer(server.db, viewer, async (manager) => (await manager.query('SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1', [ticketId]))[0].n);
  expect(await count(as(customer))).toBe(2);
  expect(await count(as(admin, Role.SUPERADMIN))).toBe(2);
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
      manager.query(`INSERT INTO support_replies (ticket_id, message, is_admin, sender_name) VALUES ($1, 'injected', true, 'Lex')`, [ticketId]),
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

it('works as a role that owns no table and does not bypass row-level security', async () => {
  const [role] = await server.db.query(
    `SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass,
            (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  expect(role).toEqual({ name: 'lex_support_app', super: false, bypass: false, owned: 0 });
});
