import { act, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { CharacterCount, nearLimit } from '../../client/src/design';
import { i18n } from '../../client/src/i18n';
import { documentTitle } from '../../client/src/lib/useTitle';
import { pageFileFor } from '../../client/src/page-files';
import { TicketCard } from '../../client/src/support/TicketCard';
import { summary } from './fixtures';

describe('the tab title', () => {
  it.each([
    ['Support', 0, 'Support · Lex Support'],
    ['Support', 3, '(3) Support · Lex Support'],
    ['#1004 Search is slow', 1, '(1) #1004 Search is slow · Lex Support'],
    ['Support tickets', 100, '(99+) Support tickets · Lex Support'],
    ['Support', -1, 'Support · Lex Support'],
  ])('%p with %p unread → %p', (title, unread, expected) => {
    expect(documentTitle(title, unread)).toBe(expected);
  });
});

describe('the character count', () => {
  it.each([
    [0, 10_000, false],
    [8_999, 10_000, false],
    [9_000, 10_000, true],
    [10_000, 10_000, true],
    [10_001, 10_000, true],
    [179, 200, false],
    [180, 200, true],
  ])('%p of %p characters: shown %p', (length, max, shown) => {
    expect(nearLimit(length, max)).toBe(shown);
  });

  it('shows what is left near the limit, what is too much over it, and nothing before', async () => {
    await act(() => i18n.changeLanguage('en'));
    const { rerender, container } = render(<CharacterCount id="c" length={8_000} max={10_000} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<CharacterCount id="c" length={9_001} max={10_000} />);
    expect(screen.getByTestId('character-count')).toHaveTextContent('999 characters left');
    rerender(<CharacterCount id="c" length={9_999} max={10_000} />);
    expect(screen.getByTestId('character-count')).toHaveTextContent('1 character left');
    rerender(<CharacterCount id="c" length={11_500} max={10_000} />);
    expect(screen.getByTestId('character-count')).toHaveTextContent('1,500 characters too many');
    expect(screen.getByTestId('character-count')).toHaveClass('field__count--over');
    await act(() => i18n.changeLanguage('nl'));
    expect(screen.getByTestId('character-count')).toHaveTextContent('1.500 tekens te veel');
    await act(() => i18n.changeLanguage('en'));
  });
});

describe("a ticket in the customer's list", () => {
  const card = (over: Parameters<typeof summary>[0]) =>
    render(
      <MemoryRouter>
        <ul>
          <TicketCard ticket={summary(over)} />
        </ul>
      </MemoryRouter>,
    );
  const last = (over: { isAdmin: boolean; senderName: string; excerpt: string }) => ({
    __typename: 'SupportReply' as const,
    id: 'r1',
    createdAt: '2025-03-01T09:00:00.000Z',
    ...over,
  });

  it("shows the last message's first line and who wrote it: the Lex team member by name", () => {
    card({ id: 't1', unreadCount: 2, lastReply: last({ isAdmin: true, senderName: 'Sam Lex', excerpt: 'Could you send a screenshot?' }) });
    expect(screen.getByTestId('last-message')).toHaveTextContent('Sam Lex: Could you send a screenshot?');
    expect(screen.getByTestId('ticket-card')).toHaveClass('ticket-card--unread');
    expect(screen.getByTestId('badge')).toHaveAccessibleName('2 new replies');
  });

  it('calls the customer "You", and a read ticket is not highlighted', () => {
    card({ id: 't1', lastReply: last({ isAdmin: false, senderName: 'Cora Customer', excerpt: 'Thanks!' }) });
    expect(screen.getByTestId('last-message')).toHaveTextContent('You: Thanks!');
    expect(screen.getByTestId('ticket-card')).not.toHaveClass('ticket-card--unread');
    expect(screen.queryByTestId('badge')).toBeNull();
  });

  it('shows no line without a message', () => {
    card({ id: 't1', lastReply: null });
    expect(screen.queryByTestId('last-message')).toBeNull();
  });
});

describe('the page file an address downloads early', () => {
  it.each([
    ['/', undefined],
    ['/support', undefined],
    ['/support/', undefined],
    ['/support/new', 'newTicket'],
    ['/support/2d0c7c8e-6b9a-4c53-9a53-3b0f4f4a1c11', 'ticket'],
    ['/admin', 'adminDashboard'],
    ['/admin/support', 'adminDashboard'],
    ['/admin/support/', 'adminDashboard'],
    ['/admin/support/2d0c7c8e-6b9a-4c53-9a53-3b0f4f4a1c11', 'adminTicket'],
    ['/admin/support/canned-replies', 'cannedReplies'],
    ['/admin/support/x/y', undefined],
    ['/elsewhere', undefined],
  ])('%p → %p', (pathname, page) => {
    expect(pageFileFor(pathname)).toBe(page);
  });
});
