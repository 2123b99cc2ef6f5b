// Canned replies (docs/architecture.md §8): shared by the Lex team, nobody else's, checked on save.
import { createHash, randomUUID } from 'node:crypto';
import { withViewer } from '../../server/db/viewer-transaction';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok } from '../helpers/graphql';
import { cannedReplyOps as canned } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';

const desk = useDesk();
const save = (token: string | undefined, input: { id?: string; title: string; body: string }) =>
  graphql(desk.server, canned.saveCannedReply, { input }, token);
const all = async () => desk.server.sql('SELECT title, body FROM canned_replies ORDER BY title');

it('saves, updates, lists by title and deletes; shared by the whole team', async () => {
  const colleague = await signedInUser(desk.server, 'superadmin');
  const created = (await save(desk.admin.token, { title: 'Thanks', body: 'Thanks, {{customer.firstName}}! — {{agent.name}}' })).data!
    .saveCannedReply;
  await save(desk.admin.token, { title: 'Apology', body: 'Sorry about #{{ ticket.number }}' });
  const updated = (await save(colleague.token, { id: created.id, title: 'Thank you', body: 'Thank you, {{customer.name}}' })).data!
    .saveCannedReply;
  expect(updated).toMatchObject({ id: created.id, title: 'Thank you', body: 'Thank you, {{customer.name}}' });
  const listed = (await ok(desk.server, canned.cannedReplies, {}, colleague.token)).cannedReplies;
  expect(listed.map((c) => c.title)).toEqual(['Apology', 'Thank you']);
  expect((await ok(desk.server, canned.deleteCannedReply, { id: created.id }, colleague.token)).deleteCannedReply).toBe(true);
  expect((await ok(desk.server, canned.deleteCannedReply, { id: created.id }, colleague.token)).deleteCannedReply).toBe(false);
  expect((await all()).map((c) => c.title)).toEqual(['Apology']);
});

it.each([
  ['title', { title: 'x'.repeat(101), body: 'Hello' }],
  ['title', { title: '   ', body: 'Hello' }],
  ['body', { title: 'Long', body: 'x'.repeat(100_000) }],
  ['body', { title: 'Unknown variable', body: 'Dear {{customer.salary}}' }],
])('refuses a bad %s (BAD_USER_INPUT naming it) and stores nothing', async (field, input) => {
  const before = await all();
  const result = await save(desk.admin.token, input);
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(await all()).toEqual(before);
});

it('an update of an unknown id is NOT_FOUND and creates nothing', async () => {
  const before = await all();
  const result = await save(desk.admin.token, { id: randomUUID(), title: 'Ghost', body: 'Boo' });
  expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(await all()).toEqual(before);
});

it.each(['customer', 'signedOut'] as const)('is for the Lex team only: %s', async (who) => {
  const token = who === 'customer' ? desk.customer.token : undefined;
  const code = who === 'customer' ? 'FORBIDDEN' : 'UNAUTHENTICATED';
  const kept = (await save(desk.admin.token, { title: 'Kept', body: 'Kept' })).data!.saveCannedReply;
  const before = await all();
  for (const [query, variables] of [
    [canned.cannedReplies, {}],
    [canned.saveCannedReply, { input: { title: 'Mine', body: 'Mine' } }],
    [canned.saveCannedReply, { input: { id: kept.id, title: 'Mine', body: 'Mine' } }],
    [canned.deleteCannedReply, { id: kept.id }],
  ] as [string, Record<string, unknown>][]) {
    const result = await graphql(desk.server, query, variables, token);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(JSON.stringify(result)).not.toContain('Kept');
  }
  expect(await all()).toEqual(before);
});

it('row-level security keeps customer sessions out, even with forged SQL', async () => {
  await save(desk.admin.token, { title: 'Internal pricing', body: 'We can go 20% lower' });
  const as = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });
  expect(await withViewer(desk.server.db, as(desk.customer), (m) => m.query('SELECT * FROM canned_replies'))).toEqual([]);
  await expect(
    withViewer(desk.server.db, as(desk.customer), (m) => m.query(`INSERT INTO canned_replies (title, body) VALUES ('x', 'y')`)),
  ).rejects.toThrow(/row-level security/);
  expect((await withViewer(desk.server.db, as(desk.admin), (m) => m.query('SELECT title FROM canned_replies'))).length).toBeGreaterThan(0);
});
