import { act, render, screen, within } from '@testing-library/react';
import { Conversation } from '../../client/src/support/Conversation';
import {
  compareReplies,
  isNearBottom,
  mergeReplies,
  newReplies,
  OPTIMISTIC_PREFIX,
  visibleReplies,
} from '../../client/src/support/conversation';
import { reply } from './fixtures';

const a = reply({ id: 'a', createdAt: '2025-03-01T09:00:00.000Z', message: 'Export to PDF fails' });
const b = reply({ id: 'b', createdAt: '2025-03-01T09:05:00.000Z', isAdmin: true, senderName: 'Lena Lex', message: 'Which browser?' });
const c = reply({ id: 'c', createdAt: '2025-03-01T09:07:00.000Z', message: 'Firefox' });

describe('conversation ordering and de-duplication', () => {
  it('sorts oldest first whatever the arrival order', () => {
    expect(mergeReplies([c, a], [b]).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps one copy of a reply that arrives twice (event + mutation + refetch)', () => {
    const merged = mergeReplies(mergeReplies([a, b], [c]), [c, { ...c }, b]);
    expect(merged.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties on the same instant by id, stable in both directions', () => {
    const x = reply({ id: 'x', createdAt: a.createdAt });
    expect(mergeReplies([x], [a]).map((r) => r.id)).toEqual(['a', 'x']);
    expect(mergeReplies([a], [x]).map((r) => r.id)).toEqual(['a', 'x']);
    expect(compareReplies(a, a)).toBe(0);
  });

  it('hides an optimistic reply once its confirmed twin is there', () => {
    const pending = reply({ id: `${OPTIMISTIC_PREFIX}1`, createdAt: '2025-03-01T09:07:59.000Z', message: 'Thanks!' });
    const confirmed = reply({ id: 'd', createdAt: '2025-03-01T09:08:00.000Z', message: 'Thanks!' });
    expect(visibleReplies([a, pending]).map((r) => r.id)).toEqual(['a', pending.id]);
    expect(visibleReplies([a, pending, confirmed]).map((r) => r.id)).toEqual(['a', 'd']);
  });

  it('keeps a second identical message that is really a second message', () => {
    const first = reply({ id: 'd', createdAt: '2025-03-01T09:08:00.000Z', message: 'ok' });
    const pending = reply({ id: `${OPTIMISTIC_PREFIX}2`, createdAt: '2025-03-01T09:09:00.000Z', message: 'ok' });
    const second = reply({ id: 'e', createdAt: '2025-03-01T09:09:01.000Z', message: 'ok' });
    expect(visibleReplies([first, pending]).map((r) => r.id)).toEqual(['d', pending.id]);
    expect(visibleReplies([first, pending, second]).map((r) => r.id)).toEqual(['d', 'e']);
  });

  it('does not match an optimistic reply with the other side saying the same', () => {
    const pending = reply({ id: `${OPTIMISTIC_PREFIX}3`, createdAt: '2025-03-01T09:10:00.000Z', message: 'Hello' });
    const fromLex = reply({ id: 'f', createdAt: '2025-03-01T09:10:01.000Z', message: 'Hello', isAdmin: true });
    expect(visibleReplies([pending, fromLex])).toHaveLength(2);
  });

  it('finds the replies that are new', () => {
    expect(newReplies([a, b], [a, b, c]).map((r) => r.id)).toEqual(['c']);
  });

  it('knows when a scroll box is at the bottom', () => {
    expect(isNearBottom(920, 400, 1400)).toBe(true);
    expect(isNearBottom(500, 400, 1400)).toBe(false);
  });
});

/** The props of a ticket opened with `a`, nothing on its timeline yet. */
const ticket = { events: [], openedAt: a.createdAt, closedAt: null };

/** The page's scroller as a reader left it (jsdom lays nothing out). */
function scrolled(scrollTop: number, clientHeight: number, scrollHeight: number) {
  const root = document.documentElement;
  Object.defineProperty(root, 'scrollHeight', { value: scrollHeight, configurable: true });
  Object.defineProperty(root, 'clientHeight', { value: clientHeight, configurable: true });
  root.scrollTop = scrollTop;
  act(() => {
    window.dispatchEvent(new Event('scroll'));
  });
  return root;
}

describe('<Conversation>', () => {
  it('renders bubbles in order, customer left and Lex team right, each with sender and time', () => {
    render(<Conversation replies={[a, b, c]} {...ticket} viewerIsAdmin={false} />);
    const items = screen.getAllByTestId('reply');
    expect(items.map((li) => li.getAttribute('data-reply-id'))).toEqual(['a', 'b', 'c']);
    expect(items[0].querySelector('.bubble')).toHaveClass('bubble--left');
    expect(items[1].querySelector('.bubble')).toHaveClass('bubble--right');
    expect(within(items[1]).getByText('Lena Lex')).toBeInTheDocument();
    expect(within(items[1]).getByText('Lex team')).toBeInTheDocument();
    expect(items[0].querySelector('time')).toHaveAttribute('dateTime', a.createdAt);
  });

  it('shows one name and one decorative avatar per group, the name still there for screen readers', () => {
    const a2 = reply({ id: 'a2', createdAt: '2025-03-01T09:01:00.000Z' });
    render(<Conversation replies={[a, a2, b]} {...ticket} viewerIsAdmin={false} />);
    const groups = screen.getAllByTestId('group');
    expect(groups).toHaveLength(2);
    const avatar = groups[0].querySelector('.avatar');
    expect(avatar).toHaveTextContent('CC');
    expect(avatar).toHaveAttribute('aria-hidden', 'true');
    const [first, second] = within(groups[0]).getAllByTestId('reply');
    expect(first.querySelector('.bubble__sender')).toHaveTextContent('Cora Customer');
    expect(second.querySelector('.bubble__sender')).toBeNull();
    expect(within(second).getByText('Cora Customer')).toHaveClass('sr-only');
  });

  it('shows typed markup as text and never as elements', () => {
    const evil = reply({ id: 'x', createdAt: a.createdAt, message: '<img src=x onerror="window.__pwned=1"><b>bold</b>' });
    const { container } = render(<Conversation replies={[evil]} {...ticket} viewerIsAdmin={false} />);
    expect(screen.getByText('<img src=x onerror="window.__pwned=1"><b>bold</b>')).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows a pending own reply as sending', () => {
    const pending = reply({ id: `${OPTIMISTIC_PREFIX}9`, createdAt: c.createdAt, message: 'On my way' });
    render(<Conversation replies={[a, pending]} {...ticket} viewerIsAdmin={false} />);
    expect(screen.getByText('Sending…')).toBeInTheDocument();
  });

  it('offers a "new reply" button when a reply arrives while the reader scrolled up the page', () => {
    const { rerender } = render(<Conversation replies={[a, b]} {...ticket} viewerIsAdmin={false} />);
    // a reader who scrolled up in a long conversation
    const root = scrolled(100, 400, 2000);
    const fromLex = reply({ id: 'z', createdAt: '2025-03-01T10:00:00.000Z', isAdmin: true, senderName: 'Lena Lex' });
    rerender(<Conversation replies={[a, b, fromLex]} {...ticket} viewerIsAdmin={false} />);
    expect(screen.getByRole('button', { name: /1 new reply/ })).toBeInTheDocument();
    expect(root.scrollTop).toBe(100);
  });

  it('scrolls the page to a new reply when the reader is at the bottom', () => {
    const { rerender } = render(<Conversation replies={[a]} {...ticket} viewerIsAdmin={false} />);
    const root = scrolled(600, 400, 1000);
    rerender(<Conversation replies={[a, b]} {...ticket} viewerIsAdmin={false} />);
    expect(screen.queryByRole('button', { name: /new repl/ })).toBeNull();
    expect(root.scrollTop).toBe(1000);
  });
});
