import { render, screen } from '@testing-library/react';
import { Badge } from '../../client/src/design/Badge';
import { StatusDot } from '../../client/src/design/StatusDot';
import type { TicketStatus } from '../../client/src/gql/graphql';
import { i18n } from '../../client/src/i18n';
import { CATEGORIES, categoryLabel, STATUSES, statusMeta, ticketNumber } from '../../client/src/support/status';

describe('status display', () => {
  it.each<[TicketStatus, string, string]>([
    ['OPEN', 'Open', 'red'],
    ['IN_PROGRESS', 'In progress', 'yellow'],
    ['ANSWERED', 'Answered', 'yellow'],
    ['CLOSED', 'Closed', 'green'],
  ])('%s shows a %s label next to a %s dot', (status, label, color) => {
    const { container } = render(<StatusDot status={status} />);
    // the label is always there, as text
    expect(screen.getByText(label)).toBeVisible();
    const root = container.firstElementChild!;
    expect(root).toHaveClass('status', `status--${color}`);
    expect(root).toHaveAttribute('data-status', status);
    // the dot is decoration only: hidden from screen readers
    const dot = root.querySelector('.status__dot')!;
    expect(dot).toHaveAttribute('aria-hidden', 'true');
    expect(root).toHaveTextContent(label);
  });

  it('covers every status with a label and one of the three colours', () => {
    expect(STATUSES).toHaveLength(4);
    for (const s of STATUSES) {
      expect(statusMeta(s).label).toBeTruthy();
      expect(['red', 'yellow', 'green']).toContain(statusMeta(s).color);
    }
  });

  it('names the five categories as the form shows them', () => {
    expect(CATEGORIES.map(categoryLabel)).toEqual(['Technical', 'Lex Question', 'Billing', 'CAO-related', 'Other']);
  });

  it('speaks Dutch as fixed for Lex: Open, In behandeling, Beantwoord, Gesloten', async () => {
    await i18n.changeLanguage('nl');
    try {
      expect(STATUSES.map((s) => statusMeta(s).label)).toEqual(['Open', 'In behandeling', 'Beantwoord', 'Gesloten']);
      expect(CATEGORIES.map(categoryLabel)).toEqual(['Technisch', 'Vraag over Lex', 'Facturering', 'Cao-gerelateerd', 'Overig']);
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('formats ticket numbers with a hash', () => {
    expect(ticketNumber(1234)).toBe('#1234');
  });
});

describe('Badge', () => {
  it('renders the count with a spoken label', () => {
    render(<Badge count={3} label="3 unread replies" />);
    const badge = screen.getByLabelText('3 unread replies');
    expect(badge).toHaveTextContent('3');
  });

  it('renders nothing at zero', () => {
    const { container } = render(<Badge count={0} label="0 unread replies" />);
    expect(container).toBeEmptyDOMElement();
  });

  it('caps large numbers', () => {
    render(<Badge count={250} label="250 open tickets" />);
    expect(screen.getByLabelText('250 open tickets')).toHaveTextContent('99+');
  });
});
