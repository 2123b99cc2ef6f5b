import { undoTarget } from '../../client/src/support/status';
import {
  conversationRows,
  GROUP_GAP_MS,
  isShownEvent,
  reachesFirstMessage,
  waitedBeforeAutoClose,
  type TimelineEventLike,
  type TimelineReply,
} from '../../client/src/support/timeline';

/** Days in UTC, so the table does not depend on the machine's time zone. */
const dayOf = (iso: string) => iso.slice(0, 10);
const at = (dayAndTime: string) => `2026-03-${dayAndTime}:00.000Z`;

let seq = 0;
function r(time: string, who: 'cora' | 'lena' | 'bram' = 'cora', over: Partial<TimelineReply> = {}): TimelineReply {
  const team = who !== 'cora';
  return {
    id: `r${++seq}`,
    createdAt: at(time),
    isAdmin: team,
    isInternal: false,
    senderName: { cora: 'Cora Customer', lena: 'Lena Lex', bram: 'Bram Lex' }[who],
    message: 'm',
    ...over,
  };
}
function e(time: string, kind: TimelineEventLike['kind'], over: Partial<TimelineEventLike> = {}): TimelineEventLike {
  return { id: `e${++seq}`, kind, createdAt: at(time), actorRole: 'SUPERADMIN', fromStatus: null, toStatus: null, ...over };
}

/** The rows in short: "day 2026-03-02", "cora×2", "event STATUS_CHANGED", "closed". */
function shape(replies: TimelineReply[], events: TimelineEventLike[], options: { closedAt?: string; complete?: boolean } = {}): string[] {
  return conversationRows(replies, events, { dayOf, closedAt: options.closedAt ?? null, complete: options.complete ?? true }).map((row) => {
    switch (row.kind) {
      case 'day':
        return `day ${row.day}`;
      case 'event':
        return `event ${row.event.kind}${row.event.toStatus ? `→${row.event.toStatus}` : ''}`;
      case 'closed':
        return 'closed';
      case 'group':
        return `${row.senderName.split(' ')[0].toLowerCase()}×${row.replies.length} ${row.side}`;
    }
  });
}

const gapMinutes = GROUP_GAP_MS / 60_000;

describe('conversationRows: grouping, day separators and event lines, in time order', () => {
  const first = r('02T09:00');
  const closing = e('02T09:30', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'CLOSED', actorRole: 'CUSTOMER' });

  it.each<[string, TimelineReply[], TimelineEventLike[], { closedAt?: string; complete?: boolean }, string[]]>([
    ['nothing yet', [], [], {}, []],
    ['one message opens with its day', [first], [], {}, ['day 2026-03-02', 'cora×1 left']],
    ['consecutive messages of one sender make one group', [first, r('02T09:01'), r('02T09:02')], [], {}, ['day 2026-03-02', 'cora×3 left']],
    [
      'a message of the other side starts a new group, and so does the first sender again',
      [first, r('02T09:01'), r('02T09:05', 'lena'), r('02T09:06', 'lena'), r('02T09:07')],
      [],
      {},
      ['day 2026-03-02', 'cora×2 left', 'lena×2 right', 'cora×1 left'],
    ],
    [
      'two team members are two groups on the same side',
      [first, r('02T09:05', 'lena'), r('02T09:06', 'bram')],
      [],
      {},
      ['day 2026-03-02', 'cora×1 left', 'lena×1 right', 'bram×1 right'],
    ],
    [
      `a pause longer than ${gapMinutes} minutes starts a new group`,
      [first, r('02T09:10'), r('02T09:21')],
      [],
      {},
      ['day 2026-03-02', 'cora×2 left', 'cora×1 left'],
    ],
    [
      'a new day gets its separator and breaks the group',
      [r('02T23:58'), r('03T00:01')],
      [],
      {},
      ['day 2026-03-02', 'cora×1 left', 'day 2026-03-03', 'cora×1 left'],
    ],
    [
      'an internal note never shares a group with a reply of the same member',
      [first, r('02T09:05', 'lena'), r('02T09:06', 'lena', { isInternal: true })],
      [],
      {},
      ['day 2026-03-02', 'cora×1 left', 'lena×1 right', 'lena×1 right'],
    ],
    [
      'an event line goes between bubbles by time and splits a group',
      [first, r('02T09:40')],
      [closing],
      {},
      ['day 2026-03-02', 'cora×1 left', 'event STATUS_CHANGED→CLOSED', 'cora×1 left'],
    ],
    [
      'an event on a later day without messages gets its own day',
      [first],
      [e('05T10:00', 'AUTO_CLOSED', { actorRole: null, fromStatus: 'ANSWERED', toStatus: 'CLOSED' })],
      {},
      ['day 2026-03-02', 'cora×1 left', 'day 2026-03-05', 'event AUTO_CLOSED→CLOSED'],
    ],
    [
      'CREATED is the first message itself: no line',
      [first],
      [e('02T09:00', 'CREATED', { actorRole: 'CUSTOMER', toStatus: 'OPEN' })],
      {},
      ['day 2026-03-02', 'cora×1 left'],
    ],
    [
      'the status change a reply caused (Open ↔ Answered) is not a line; a team member marking In progress is',
      [first, r('02T10:00', 'lena'), r('02T11:00')],
      [
        e('02T10:00', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'ANSWERED' }),
        e('02T10:30', 'STATUS_CHANGED', { fromStatus: 'ANSWERED', toStatus: 'IN_PROGRESS' }),
      ],
      {},
      ['day 2026-03-02', 'cora×1 left', 'lena×1 right', 'event STATUS_CHANGED→IN_PROGRESS', 'cora×1 left'],
    ],
    [
      'a reply that reopens a closed ticket leaves its line after the reply (equal times: the reply first)',
      [first, r('02T12:00')],
      [closing, e('02T12:00', 'STATUS_CHANGED', { actorRole: 'CUSTOMER', fromStatus: 'CLOSED', toStatus: 'OPEN' })],
      {},
      ['day 2026-03-02', 'cora×1 left', 'event STATUS_CHANGED→CLOSED', 'cora×1 left', 'event STATUS_CHANGED→OPEN'],
    ],
    [
      'assignments and ratings are lines where the viewer got them',
      [first],
      [e('02T09:10', 'ASSIGNED'), e('02T09:20', 'UNASSIGNED'), e('02T09:40', 'RATED', { actorRole: 'CUSTOMER' })],
      {},
      ['day 2026-03-02', 'cora×1 left', 'event ASSIGNED', 'event UNASSIGNED', 'event RATED'],
    ],
    [
      'a close with no event on record (before the timeline existed) shows as "Closed on"',
      [first],
      [],
      { closedAt: at('04T08:00') },
      ['day 2026-03-02', 'cora×1 left', 'day 2026-03-04', 'closed'],
    ],
    [
      'a recorded close is not shown twice',
      [first],
      [closing],
      { closedAt: closing.createdAt },
      ['day 2026-03-02', 'cora×1 left', 'event STATUS_CHANGED→CLOSED'],
    ],
    [
      'with only the latest replies loaded, earlier events wait for their replies',
      [r('03T09:00'), r('03T09:05', 'lena')],
      [e('02T09:30', 'ASSIGNED'), e('03T09:02', 'UNASSIGNED')],
      { complete: false },
      ['day 2026-03-03', 'cora×1 left', 'event UNASSIGNED', 'lena×1 right'],
    ],
  ])('%s', (_name, replies, events, options, expected) => {
    expect(shape(replies, events, options)).toEqual(expected);
  });

  it('keeps the replies themselves in each group, in order', () => {
    const replies = [first, r('02T09:01')];
    const [, group] = conversationRows(replies, [], { dayOf, complete: true });
    expect(group.kind === 'group' && group.replies).toEqual(replies);
  });
});

describe('isShownEvent', () => {
  const teamReply = r('02T10:00', 'lena');
  it.each<[string, TimelineEventLike, boolean]>([
    ['answered by the reply at the same time', e('02T10:00', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'ANSWERED' }), false],
    ['answered a minute after the reply', e('02T10:01', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'ANSWERED' }), true],
    ['closed by the team', e('02T10:00', 'STATUS_CHANGED', { fromStatus: 'ANSWERED', toStatus: 'CLOSED' }), true],
    ['reopened', e('02T10:00', 'STATUS_CHANGED', { fromStatus: 'CLOSED', toStatus: 'ANSWERED' }), true],
    [
      'by the customer at the team reply’s time',
      e('02T10:00', 'STATUS_CHANGED', { actorRole: 'CUSTOMER', fromStatus: 'ANSWERED', toStatus: 'OPEN' }),
      true,
    ],
    ['created', e('02T09:00', 'CREATED'), false],
  ])('%s → %s', (_name, event, shown) => {
    expect(isShownEvent(event, [teamReply])).toBe(shown);
  });
});

describe('how long an automatically closed ticket waited', () => {
  const answered = e('02T10:00', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'ANSWERED' });
  const autoClosed = e('09T10:00', 'AUTO_CLOSED', { actorRole: null, fromStatus: 'ANSWERED', toStatus: 'CLOSED' });
  it.each<[string, TimelineEventLike[], number | null]>([
    ['from the change to Answered', [answered, autoClosed], 7 * 24 * 3_600_000],
    [
      'from the last change to Answered',
      [answered, e('05T10:00', 'STATUS_CHANGED', { fromStatus: 'OPEN', toStatus: 'ANSWERED' }), autoClosed],
      4 * 24 * 3_600_000,
    ],
    ['unknown when no change to Answered is on record', [autoClosed], null],
  ])('%s', (_name, events, expected) => {
    expect(waitedBeforeAutoClose(events, autoClosed)).toBe(expected);
  });
});

describe('whether the loaded replies reach the first message', () => {
  it.each<[string, { createdAt: string }[], boolean]>([
    ['no replies', [], true],
    ['the first message, written with the ticket', [{ createdAt: at('02T09:00') }], true],
    ['a later page only', [{ createdAt: at('03T09:00') }], false],
  ])('%s', (_name, replies, expected) => {
    expect(reachesFirstMessage(replies, at('02T09:00'))).toBe(expected);
  });
});

describe('undoTarget: the status an Undo can set again', () => {
  it.each<[string, Parameters<typeof undoTarget>, ReturnType<typeof undoTarget>]>([
    ['team resolved an open ticket', ['OPEN', 'CLOSED', true], 'OPEN'],
    ['team resolved a ticket in progress', ['IN_PROGRESS', 'CLOSED', true], 'IN_PROGRESS'],
    ['team resolved an answered ticket: Answered comes only with a reply', ['ANSWERED', 'CLOSED', true], null],
    ['team reopened', ['CLOSED', 'OPEN', true], 'CLOSED'],
    ['team marked an open ticket in progress: Reopen does not apply to In progress', ['OPEN', 'IN_PROGRESS', true], null],
    ['customer closed: customers have no status buttons to go back with', ['ANSWERED', 'CLOSED', false], null],
    ['nothing changed', ['CLOSED', 'CLOSED', true], null],
  ])('%s', (_name, args, expected) => {
    expect(undoTarget(...args)).toBe(expected);
  });
});
