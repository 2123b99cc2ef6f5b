// The team desk's rules in the web app (docs/architecture.md §8): canned-reply variables, where `/`
// opens the picker, the collision warning, typing reports, the presence texts, the views' lists,
// and the composer's note mode.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { Observable } from 'rxjs';
import { ReplyForm } from '../../client/src/support/ReplyForm';
import { upsertTicket } from '../../client/src/support/ticket-list';
import { fillCannedReply, firstName, insertAtSlash, matchCannedReplies, slashTyped } from '../../client/src/team/canned';
import { collisionBefore, type CollisionInput } from '../../client/src/team/collision';
import { initials, typingLines } from '../../client/src/presence/presence-text';
import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingReporter, type ActivityReport } from '../../client/src/presence/typing-reporter';
import { i18n } from '../../client/src/i18n';
import type { TicketSummaryFragment } from '../../client/src/gql/graphql';
import { summary } from './fixtures';

const context = { customerName: '  Ella  van Dijk ', ticketNumber: 1042, agentName: 'Maria Kok' };

describe('filling in a canned reply', () => {
  it.each([
    ['Hello {{customer.firstName}},', 'Hello Ella,'],
    ['Dear {{customer.name}}', 'Dear Ella van Dijk'],
    ['About ticket #{{ticket.number}}.', 'About ticket #1042.'],
    ['Kind regards, {{agent.name}}', 'Kind regards, Maria Kok'],
    ['{{ customer.firstName }} and {{customer.firstName}}', 'Ella and Ella'],
    ['Unknown {{customer.email}} stays', 'Unknown {{customer.email}} stays'],
    ['No variables at all', 'No variables at all'],
    ['{{agent.name}}{{ticket.number}}', 'Maria Kok1042'],
    ['Braces { {customer.name} } are text', 'Braces { {customer.name} } are text'],
  ])('%j → %j', (body, filled) => {
    expect(fillCannedReply(body, context)).toBe(filled);
  });

  it.each([
    ['Ella Jansen', 'Ella'],
    ['Cher', 'Cher'],
    ['  Jan   de Vries ', 'Jan'],
    ['', ''],
  ])('first name of %j is %j', (name, first) => expect(firstName(name)).toBe(first));

  it('does not read a value as a variable', () => {
    expect(fillCannedReply('Hi {{customer.name}}', { ...context, customerName: '{{agent.name}}' })).toBe('Hi {{agent.name}}');
  });
});

describe('typing `/` opens the picker at the start of a word only', () => {
  it.each<[string, string, number, number | null]>([
    ['', '/', 1, 0],
    ['Hello ', 'Hello /', 7, 6],
    ['Hello\n', 'Hello\n/', 7, 6],
    ['Hello  world', 'Hello / world', 7, 6],
    ['and', 'and/', 4, null], // inside a word
    ['https:', 'https:/', 7, null],
    ['Hello ', 'Hello x', 7, null], // not a slash
    ['Hello ', 'Hello //', 8, null], // pasted, not typed
    ['Hello /', 'Hello //', 8, null], // after another slash
    ['abc', '/abc', 1, 0], // at the start, before a word
    ['Hello ', 'Hello /', 6, null], // caret not after the slash
  ])('%j → %j (caret %d): %p', (previous, next, caret, expected) => {
    expect(slashTyped(previous, next, caret)).toBe(expected);
  });

  it('inserts the body in place of the slash and puts the caret after it', () => {
    expect(insertAtSlash('Hi /', 3, 'Thanks!')).toEqual({ text: 'Hi Thanks!', caret: 10 });
    expect(insertAtSlash('/ rest', 0, 'Body')).toEqual({ text: 'Body rest', caret: 4 });
  });
});

describe('searching canned replies', () => {
  const replies = [
    { id: '1', title: 'Refund', body: 'We refunded your invoice.' },
    { id: '2', title: 'Password reset', body: 'Use the link on the sign-in page.' },
    { id: '3', title: 'Invoice copy', body: 'Attached is a copy.' },
  ];
  it.each([
    ['', ['1', '2', '3']],
    ['invoice', ['3', '1']], // title matches first, then body
    ['PASS reset', ['2']],
    ['reset link', []], // every word in the same field
    ['zzz', []],
  ])('%j finds %j', (search, ids) => {
    expect(matchCannedReplies(replies, search).map((r) => r.id)).toEqual(ids);
  });
});

describe('the collision warning', () => {
  const viewer = { id: 'me', name: 'Sam Lex' };
  const reply = (id: string, over: Partial<CollisionInput['replies'][number]> = {}) => ({
    id,
    isAdmin: true,
    isInternal: false,
    senderName: 'Maria Kok',
    createdAt: '2025-03-01T10:00:00.000Z',
    ...over,
  });
  const base: CollisionInput = {
    replies: [reply('r1', { isAdmin: false, senderName: 'Ella' })],
    seen: new Set(['r1']),
    own: new Set(),
    typing: [],
    viewer,
    internal: false,
  };
  const maria = { id: 'maria', name: 'Maria Kok', isAdmin: true, internal: false };

  it.each<[string, Partial<CollisionInput>, ReturnType<typeof collisionBefore>]>([
    ['nothing new, nobody typing', {}, null],
    [
      'a colleague replied since',
      { replies: [...base.replies, reply('r2')] },
      { kind: 'reply', name: 'Maria Kok', at: '2025-03-01T10:00:00.000Z', internal: false, customer: false },
    ],
    [
      'a colleague added a note since',
      { replies: [...base.replies, reply('r2', { isInternal: true })] },
      { kind: 'reply', name: 'Maria Kok', at: '2025-03-01T10:00:00.000Z', internal: true, customer: false },
    ],
    [
      'the customer wrote since',
      { replies: [...base.replies, reply('r2', { isAdmin: false, senderName: 'Ella' })] },
      { kind: 'reply', name: 'Ella', at: '2025-03-01T10:00:00.000Z', internal: false, customer: true },
    ],
    ['my own reply since', { replies: [...base.replies, reply('r2', { senderName: 'Sam Lex' })] }, null],
    ['a reply this composer sent', { replies: [...base.replies, reply('r2')], own: new Set(['r2']) }, null],
    ['my reply on its way', { replies: [...base.replies, reply('optimistic:1', { senderName: 'Sam Lex' })] }, null],
    ['a colleague is typing', { typing: [maria] }, { kind: 'typing', name: 'Maria Kok', internal: false }],
    ['a colleague is typing a note', { typing: [{ ...maria, internal: true }] }, { kind: 'typing', name: 'Maria Kok', internal: true }],
    ['the customer is typing', { typing: [{ id: 'ella', name: 'Ella', isAdmin: false, internal: false }] }, null],
    ['I am typing (another tab)', { typing: [{ ...maria, id: 'me', name: 'Sam Lex' }] }, null],
    ['sending a note while a colleague types', { typing: [maria], internal: true }, null],
    ['sending a note after a colleague replied', { replies: [...base.replies, reply('r2')], internal: true }, null],
    [
      'a new reply is named before a typist, the latest one',
      {
        replies: [...base.replies, reply('r2'), reply('r3', { senderName: 'Joost', createdAt: '2025-03-01T10:01:00.000Z' })],
        typing: [maria],
      },
      { kind: 'reply', name: 'Joost', at: '2025-03-01T10:01:00.000Z', internal: false, customer: false },
    ],
  ])('%s', (_case, over, expected) => {
    expect(collisionBefore({ ...base, ...over })).toEqual(expected);
  });
});

describe('typing reports are throttled', () => {
  let now = 0;
  let sent: ActivityReport[];
  let reporter: TypingReporter;
  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    sent = [];
    reporter = new TypingReporter((report) => sent.push(report), {
      now: () => now,
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    });
  });
  afterEach(() => jest.useRealTimers());
  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };

  it('says "typing" once, again every few seconds while it goes on, and "stopped" after a pause', () => {
    reporter.keystroke(false);
    for (let i = 0; i < 20; i++) {
      advance(250);
      reporter.keystroke(false);
    }
    // 5 s of keystrokes: the first, and one refresh after TYPING_REFRESH_MS
    expect(sent).toEqual([
      { typing: true, internal: false },
      { typing: true, internal: false },
    ]);
    expect(TYPING_REFRESH_MS).toBeLessThan(6_000); // the server forgets a typist after 6 s
    advance(TYPING_IDLE_MS);
    expect(sent.at(-1)).toEqual({ typing: false, internal: false });
    expect(sent).toHaveLength(3);
    advance(60_000);
    expect(sent).toHaveLength(3);
  });

  it('says at once when a reply becomes a note, and stops when sent', () => {
    reporter.keystroke(false);
    advance(100);
    reporter.keystroke(true);
    expect(sent).toEqual([
      { typing: true, internal: false },
      { typing: true, internal: true },
    ]);
    expect(reporter.current()).toEqual({ typing: true, internal: true });
    reporter.stop();
    expect(sent.at(-1)).toEqual({ typing: false, internal: false });
    reporter.stop();
    expect(sent).toHaveLength(3);
    expect(reporter.current()).toEqual({ typing: false, internal: false });
  });
});

describe('presence texts', () => {
  const maria = { id: 'm', name: 'Maria Kok', isAdmin: true, internal: false };
  it('names each typist for the team, with the note marked', () => {
    expect(typingLines([maria, { ...maria, id: 'j', name: 'Joost', internal: true }], true)).toEqual([
      { key: 'm:reply', text: 'presence.typing', values: { name: 'Maria Kok' }, internal: false },
      { key: 'j:note', text: 'presence.typingNote', values: { name: 'Joost' }, internal: true },
    ]);
    expect(i18n.t('presence.typingNote', { name: 'Joost', lng: 'en' })).toBe('Joost is typing… (internal note)');
  });
  it('says only "Lex team is typing…" to a customer', () => {
    expect(typingLines([maria, { ...maria, id: 'j' }], false).map((l) => i18n.t(l.text, { ...l.values, lng: 'en' }))).toEqual([
      'Lex team is typing…',
    ]);
    expect(typingLines([], false)).toEqual([]);
  });
  it.each([
    ['Maria de Vries', 'MV'],
    ['sam', 'S'],
    ['  Ella   Jansen ', 'EJ'],
    ['Émile Zola', 'ÉZ'],
  ])('initials of %j are %j', (name, expected) => expect(initials(name)).toBe(expected));
});

describe('the "Mine" and "Unassigned" lists follow assignments', () => {
  const conn = (nodes: ReturnType<typeof summary>[], hasNextPage = false) => ({
    nodes,
    totalCount: nodes.length,
    pageInfo: { hasNextPage, endCursor: null },
  });
  const me = { __typename: 'User' as const, id: 'me', name: 'Sam' };
  const a = summary({ id: 'a', updatedAt: '2025-03-01T10:00:00.000Z', assignee: me });
  const b = summary({ id: 'b', updatedAt: '2025-03-01T09:00:00.000Z', assignee: null });
  const changed = (ticket: TicketSummaryFragment) => ticket;

  it('leaves "Mine" when assigned to someone else, and joins "Unassigned" when unassigned', () => {
    const moved = upsertTicket(conn([a]), changed({ ...a, assignee: { ...me, id: 'maria' } }), { assigneeId: 'me' });
    expect(moved.list.nodes).toEqual([]);
    expect(moved.list.totalCount).toBe(0);
    const joined = upsertTicket(conn([b]), changed({ ...a, assignee: null }), { unassigned: true });
    expect(joined.list.nodes.map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('asks the server for the total when a ticket it has not loaded changes assignee on a longer list', () => {
    const update = upsertTicket(conn([a], true), changed({ ...b, updatedAt: '2025-03-01T08:00:00.000Z', assignee: me }), {
      assigneeId: 'me',
    });
    expect(update.countKnown).toBe(false);
  });
});

describe('the composer in note mode', () => {
  it('says it is a note everywhere, and sends it as one', async () => {
    const sent: Record<string, unknown>[] = [];
    const link = new ApolloLink(
      (operation) =>
        new Observable((observer) => {
          sent.push(operation.variables.input);
          observer.next({
            data: {
              replyToTicket: {
                __typename: 'SupportReply',
                id: `r${sent.length}`,
                ticketId: 't1',
                message: operation.variables.input.message,
                isAdmin: true,
                isInternal: Boolean(operation.variables.input.internal),
                senderName: 'Sam Lex',
                createdAt: new Date().toISOString(),
                attachments: [],
                ticket: {
                  __typename: 'SupportTicket',
                  id: 't1',
                  status: 'OPEN',
                  updatedAt: new Date().toISOString(),
                  closedAt: null,
                  assignee: null,
                },
              },
            },
          });
          observer.complete();
        }),
    );
    render(
      <ApolloProvider client={new ApolloClient({ link, cache: new InMemoryCache() })}>
        <ReplyForm
          ticket={{ id: 't1', status: 'OPEN', updatedAt: new Date().toISOString(), closedAt: null, ticketNumber: 7, userName: 'Ella' }}
          viewer={{ __typename: 'User', id: 'u1', name: 'Sam Lex', email: 'sam@lex.test', role: 'SUPERADMIN', tenant: null } as never}
        />
      </ApolloProvider>,
    );
    expect(screen.getByRole('button', { name: 'Send reply' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('radio', { name: 'Internal note' }));
    const box = screen.getByRole('textbox', { name: /Only the Lex team sees this/ });
    expect(box).toHaveAttribute('placeholder', expect.stringContaining('The customer never sees it'));
    expect(box.closest('form')).toHaveClass('reply-form--note');
    fireEvent.change(box, { target: { value: 'Customer is on the old plan.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add internal note' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ message: 'Customer is on the old plan.', internal: true });

    // back to a reply: no `internal` at all
    fireEvent.click(screen.getByRole('radio', { name: 'Reply' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Your reply' }), { target: { value: 'Hello Ella' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).not.toHaveProperty('internal');
  });
});
