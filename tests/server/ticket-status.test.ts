import { TicketEvent, TicketStatus, nextStatus } from '../../server/support/ticket-status';

const { OPEN, IN_PROGRESS, ANSWERED, CLOSED } = TicketStatus;

// Every status × every event, as docs/architecture.md §1 rules 5–8 (and §10, the auto-close) state them; undefined: does not apply.
const table: [TicketStatus, TicketEvent, TicketStatus | undefined][] = [
  [OPEN, 'customerReply', OPEN],
  [IN_PROGRESS, 'customerReply', IN_PROGRESS],
  [ANSWERED, 'customerReply', OPEN],
  [CLOSED, 'customerReply', OPEN],
  [OPEN, 'adminReply', ANSWERED],
  [IN_PROGRESS, 'adminReply', ANSWERED],
  [ANSWERED, 'adminReply', ANSWERED],
  [CLOSED, 'adminReply', ANSWERED],
  [OPEN, 'close', CLOSED],
  [IN_PROGRESS, 'close', CLOSED],
  [ANSWERED, 'close', CLOSED],
  [CLOSED, 'close', CLOSED],
  [OPEN, 'markInProgress', IN_PROGRESS],
  [IN_PROGRESS, 'markInProgress', IN_PROGRESS],
  [ANSWERED, 'markInProgress', IN_PROGRESS],
  [CLOSED, 'markInProgress', IN_PROGRESS],
  [OPEN, 'reopen', OPEN],
  [IN_PROGRESS, 'reopen', undefined],
  [ANSWERED, 'reopen', undefined],
  [CLOSED, 'reopen', OPEN],
  [OPEN, 'autoClose', undefined],
  [IN_PROGRESS, 'autoClose', undefined],
  [ANSWERED, 'autoClose', CLOSED],
  [CLOSED, 'autoClose', undefined],
];

describe('the ticket status machine', () => {
  it('covers every status and every event', () => {
    const events: TicketEvent[] = ['customerReply', 'adminReply', 'close', 'markInProgress', 'reopen', 'autoClose'];
    for (const status of Object.values(TicketStatus)) {
      for (const event of events) expect(table.some(([s, e]) => s === status && e === event)).toBe(true);
    }
  });

  it.each(table)('%s + %s → %s', (status, event, expected) => {
    expect(nextStatus(status, event)).toBe(expected);
  });
});
