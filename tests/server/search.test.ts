// The search box (docs/architecture.md §8, "Search"): a ticket number, or words (all of them, the last
// as a prefix) of the subject, the customer's name and email, or the company's name.
import { createHash, randomBytes } from 'node:crypto';
import { SEARCH_COUNT_CAP } from '../../server/contract';
import { withViewer } from '../../server/db/viewer-transaction';
import { SignedIn, createUser, signIn } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { type SupportTicketFilter, type SupportTicketOrder, triageOps } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';

const desk = useDesk();
let ann: SignedIn;
let bob: SignedIn;
let cora: SignedIn;
const numbers: Record<string, number> = {};

async function customer(name: string, email: string, tenant: string): Promise<SignedIn> {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser(desk.server, { email, name, password, role: 'customer', tenant });
  return { id: user.id, email, name, password, token: await signIn(desk.server, email, password) };
}

beforeAll(async () => {
  ann = await customer('Ann Smit-Jansen', 'ann.smit@zeeland-bouw.example', 'Zeeland Bouw B.V.');
  bob = await customer('Bob de Vries', 'bob.devries@acme.example', 'Acme Holding');
  cora = await customer('Cora Noor', 'cora@noord.example', 'Café Noord');
  for (const [who, subject] of [
    [ann, 'Ziekteverzuim na reïntegratie'],
    [ann, 'Parental leave for interns'],
    [ann, 'Payroll error in October'],
    [bob, 'Overtime pay for drivers'],
    [bob, 'Invoice 1234 is wrong'],
    [cora, 'Login fails'],
  ] as const)
    numbers[subject] = (await desk.createTicket(who.token, { subject, category: 'OTHER' })).ticketNumber;
});

const ANN = ['Ziekteverzuim na reïntegratie', 'Parental leave for interns', 'Payroll error in October'];

/** The subjects a team member's search lists (one page of 50), with its count. */
async function teamSearch(search: string, filter: Record<string, unknown> = {}) {
  const list = await desk.supportTickets(desk.admin.token, { filter: { search, ...filter }, first: 50 });
  return { subjects: list.nodes.map((t) => t.subject).sort(), totalCount: list.totalCount, capped: list.totalCountCapped };
}

describe('what the search box finds', () => {
  test.each<[string, string, string[]]>([
    ['words in any order', 'leave parental', ['Parental leave for interns']],
    ['the last word as a prefix', 'interns parental le', ['Parental leave for interns']],
    ['only the last word as a prefix', 'parent leave', []],
    ['one word being typed', 'pay', ['Overtime pay for drivers', 'Payroll error in October']],
    ['case and accents ignored', 'REINTEGRATIE', ['Ziekteverzuim na reïntegratie']],
    ['accents in the search too', 'reïntegratie', ['Ziekteverzuim na reïntegratie']],
    ['the customer name', 'smit', ANN],
    ['the parts of a hyphenated name', 'jansen smit', ANN],
    ['an email', 'ann.smit@zeeland-bouw.example', ANN],
    ['an email fragment: its local part and domain as words', 'smit@zeeland', ANN],
    ['the domain of an email', 'acme.example', ['Invoice 1234 is wrong', 'Overtime pay for drivers']],
    ['a company', 'Zeeland Bouw', ANN],
    ['a company with its punctuation', 'bouw b.v.', ANN],
    ['a company with an accent, typed without', 'cafe noo', ['Login fails']],
    ['words of a company and a subject together are not one match', 'holding overtime', []],
    ['a number inside a subject is a word', 'invoice 1234', ['Invoice 1234 is wrong']],
    ['no words at all', '%_!', []],
    ['a word nobody used', 'zanzibar', []],
  ])('%s: %j', async (_, search, expected) => {
    expect(await teamSearch(search)).toEqual({ subjects: [...expected].sort(), totalCount: expected.length, capped: false });
  });

  test.each([['#'], ['']])('a ticket number, exactly (%s)', async (hash) => {
    const number = numbers['Login fails'];
    expect(await teamSearch(`${hash}${number}`)).toEqual({ subjects: ['Login fails'], totalCount: 1, capped: false });
    // A number is the ticket's, never a word: "1234" is no ticket here.
    expect((await teamSearch(`${hash}1234`)).subjects).toEqual(numbers['Invoice 1234 is wrong'] === 1234 ? ['Invoice 1234 is wrong'] : []);
  });

  it('combines with the other filters', async () => {
    expect(await teamSearch('pay', { category: 'BILLING' })).toEqual({ subjects: [], totalCount: 0, capped: false });
    expect(await teamSearch('pay', { notClosed: true })).toEqual({
      subjects: ['Overtime pay for drivers', 'Payroll error in October'],
      totalCount: 2,
      capped: false,
    });
  });
});

describe('a customer never finds another customer’s tickets', () => {
  const sessionOf = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });
  /** The search functions on the customer's own session, as a forged query would call them: matches, in order, and counted. */
  const found = (user: SignedIn, search: string) =>
    withViewer(desk.server.db, sessionOf(user), async (manager) => {
      const rows: { id: string }[] = await manager.query(`SELECT id FROM support_ticket_search($1, NULL, NULL, NULL, NULL, 100)`, [search]);
      const ordered: { id: string }[] = await manager.query(
        `SELECT id FROM support_ticket_search($1, 'UPDATED_DESC', NULL, NULL, NULL, 100)`,
        [search],
      );
      // Walking the list's index, as a search with more matches than the cap does.
      const walked: { id: string }[] = await manager.query(
        `SELECT id FROM support_ticket_search($1, 'UPDATED_DESC', NULL, NULL, NULL, 100, true)`,
        [search],
      );
      const [{ n }] = await manager.query(`SELECT support_ticket_search_count($1, 100) AS n`, [search]);
      return { found: rows.length, ordered: ordered.length, walked: walked.length, count: n };
    });

  test.each<[string, () => SignedIn, string, number]>([
    ['their own words', () => bob, 'pay', 1],
    ['their own company', () => bob, 'acme holding', 2],
    ['another customer’s words', () => bob, 'payroll', 0],
    ['another tenant’s company', () => bob, 'zeeland bouw', 0],
    ['another customer’s name', () => cora, 'smit', 0],
    ['another customer’s email', () => cora, 'bob.devries@acme.example', 0],
  ])('%s', async (_, who, search, expected) => {
    expect(await found(who(), search)).toEqual({ found: expected, ordered: expected, walked: expected, count: expected });
  });

  it('refuses the search box itself to customers', async () => {
    const answer = await desk.raw(`query { supportTickets(filter: { search: "pay" }) { totalCount } }`, {}, bob.token);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a search with more matches than it counts', () => {
  const MANY = SEARCH_COUNT_CAP + 150;
  beforeAll(async () => {
    // Tickets written directly (the mutations are rate-limited), in both statuses, updated in an order unlike their numbers.
    await desk.server.sql(
      `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, status, closed_at, created_at, updated_at)
       SELECT u.tenant_id, u.id, u.email, u.name, 'Bulk question ' || n, 'Other', CASE WHEN n % 3 = 0 THEN 'closed' ELSE 'open' END,
              CASE WHEN n % 3 = 0 THEN at END, now() - interval '1 day', at
         FROM users u, generate_series(1, $2) n, LATERAL (SELECT now() - interval '1 day' + ((n * 7919) % $2) * interval '1 second' AS at) a
        WHERE u.id = $1`,
      [cora.id, MANY],
    );
  });

  /** Every page of a list, through its cursors, `first` at a time. */
  async function allPages(filter: SupportTicketFilter, orderBy?: SupportTicketOrder) {
    const ids: string[] = [];
    const counts = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const answer: {
        supportTickets: {
          nodes: { id: string }[];
          totalCount: number;
          totalCountCapped: boolean;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await ok(desk.server, triageOps.supportTickets, { filter, orderBy, first: 100, after }, desk.admin.token);
      const page = answer.supportTickets;
      ids.push(...page.nodes.map((t) => t.id));
      counts.add(`${page.totalCount} ${page.totalCountCapped}`);
      if (!page.pageInfo.hasNextPage) return { ids, counts: [...counts] };
      after = page.pageInfo.endCursor;
    }
  }

  test.each<[string, SupportTicketFilter, SupportTicketOrder | undefined, number]>([
    ['newest update first', {}, undefined, MANY],
    ['oldest update first', {}, 'UPDATED_ASC', MANY],
    ['by number', {}, 'CREATED_DESC', MANY],
    ['with another condition', { status: 'CLOSED' }, undefined, MANY / 3],
  ])('pages through every match without gaps or repeats: %s', async (_, filter, orderBy, expected) => {
    const searched = await allPages({ search: 'bulk', ...filter }, orderBy);
    // The same list unsearched, narrowed to the bulk tickets (the whole desk holds only a few more).
    const everything = (await allPages(filter, orderBy)).ids;
    const bulk = new Set(
      (await desk.server.sql<{ id: string }>(`SELECT id FROM support_tickets WHERE subject LIKE 'Bulk %'`)).map((r) => r.id),
    );
    expect(searched.ids).toEqual(everything.filter((id) => bulk.has(id)));
    expect(searched.ids).toHaveLength(Math.floor(expected));
    // Counted up to the cap, and said so; with another condition, those among the first matches.
    const [count, capped] = searched.counts[0].split(' ');
    expect(searched.counts).toHaveLength(1);
    expect(capped).toBe('true');
    expect(Number(count)).toBeLessThanOrEqual(Math.min(expected, SEARCH_COUNT_CAP));
    if (!filter.status) expect(Number(count)).toBe(SEARCH_COUNT_CAP);
  });

  // The count reads the last word as a whole word first, and stops there when that alone reaches the
  // cap: 'bulk' does; 'bul' (a prefix only) and 'question 11' (the whole word "11" is one ticket,
  // the prefix "11" is 62) are counted in full, as the words' index defines a match.
  test.each(['bulk', 'bul', 'question 11', 'bulk question 115'])('counts "%s" as the words match, up to the cap', async (search) => {
    const [{ n }] = await desk.server.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM support_tickets
        WHERE lex_search_document(subject || ' ' || user_name || ' ' || user_email) @@ lex_search_query($1)`,
      [search],
    );
    const { supportTickets } = await ok(desk.server, triageOps.supportTickets, { filter: { search }, first: 5 }, desk.admin.token);
    expect({ count: supportTickets.totalCount, capped: supportTickets.totalCountCapped }).toEqual({
      count: Math.min(n, SEARCH_COUNT_CAP),
      capped: n > SEARCH_COUNT_CAP,
    });
  });
});
