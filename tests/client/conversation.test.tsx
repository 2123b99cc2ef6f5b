import { render, screen, within } from '@testing-library/react';
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

describe('<Conversation>', () => {
  it('renders bubbles in order, customer left and Lex team right, each with sender and time', () => {
    render(<Conversation replies={[a, b, c]} viewerIsAdmin={false} />);
    const items = screen.getAllByTestId('reply');
    expect(items.map((li) => li.getAttribute('data-reply-id'))).toEqual(['a', 'b', 'c']);
    expect(items[0].querySelector('.bubble')).toHaveClass('bubble--left');
    expect(items[1].querySelector('.bubble')).toHaveClass('bubble--right');
    expect(within(items[1]).getByText('Lena Lex')).toBeInTheDocument();
    expect(within(items[1]).getByText('Lex team')).toBeInTheDocument();
    expect(items[0].querySelector('time')).toHaveAttribute('dateTime', a.createdAt);
  });

  it('shows typed markup as text and never as elements', () => {
    const evil = reply({ id: 'x', createdAt: a.createdAt, message: '<img src=x onerror="window.__pwned=1"><b>bold</b>' });
    const { container } = render(<Conversation replies={[evil]} viewerIsAdmin={false} />);
    expect(screen.getByText('<img src=x onerror="window.__pwned=1"><b>bold</b>')).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows a pending own reply as sending', () => {
    const pending = reply({ id: `${OPTIMISTIC_PREFIX}9`, createdAt: c.createdAt, message: 'On my way' });
    render(<Conversation replies={[a, pending]} viewerIsAdmin={false} />);
    expect(screen.getByText('Sending…')).toBeInTheDocument();
  });

  it('offers a "new reply" button when a reply arrives while the reader scrolled up', () => {
    const { rerender, container } = render(<Conversation replies={[a, b]} viewerIsAdmin={false} />);
    const box = container.querySelector('.conversation__scroll') as HTMLDivElement;
    // simulate a reader who scrolled up in a long conversation
    Object.defineProperty(box, 'scrollHeight', { value: 2000, configurable: true });
    Object.defineProperty(box, 'clientHeight', { value: 400, configurable: true });
    box.scrollTop = 100;
    box.dispatchEvent(new Event('scroll'));
    const fromLex = reply({ id: 'z', createdAt: '2025-03-01T10:00:00.000Z', isAdmin: true, senderName: 'Lena Lex' });
    rerender(<Conversation replies={[a, b, fromLex]} viewerIsAdmin={false} />);
    expect(screen.getByRole('button', { name: /1 new reply/ })).toBeInTheDocument();
    expect(box.scrollTop).toBe(100);
  });

  it('scrolls to a new reply when the reader is at the bottom', () => {
    const { rerender, container } = render(<Conversation replies={[a]} viewerIsAdmin={false} />);
    const box = container.querySelector('.conversation__scroll') as HTMLDivElement;
    Object.defineProperty(box, 'scrollHeight', { value: 1000, configurable: true });
    Object.defineProperty(box, 'clientHeight', { value: 400, configurable: true });
    box.scrollTop = 600;
    box.dispatchEvent(new Event('scroll'));
    rerender(<Conversation replies={[a, b]} viewerIsAdmin={false} />);
    expect(screen.queryByRole('button', { name: /new repl/ })).toBeNull();
    expect(box.scrollTop).toBe(1000);
  });
});
