import { filterFromParams, listParamsOf, nextInList, orderFromParams, ticketPathInList } from '../../client/src/admin/list-params';
import { slaMark, timeLeft, type SlaFields } from '../../client/src/admin/sla';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const due = (iso: string, breached = false) => ({ firstResponseDueAt: iso, breached });

describe('what a dashboard row says of the first response', () => {
  it.each<[string, SlaFields, ReturnType<typeof slaMark>]>([
    ['no service level (before the backfill)', { status: 'OPEN', sla: null }, null],
    ['unanswered, due later', { status: 'OPEN', sla: due('2026-03-02T14:00:00.000Z') }, { kind: 'due', ms: 2 * 3600_000 }],
    ['unanswered, due now', { status: 'OPEN', sla: due('2026-03-02T12:00:00.000Z') }, { kind: 'overdue' }],
    ['unanswered, due passed since it was read', { status: 'IN_PROGRESS', sla: due('2026-03-02T11:59:00.000Z') }, { kind: 'overdue' }],
    ['breached by the server', { status: 'OPEN', sla: due('2026-03-02T14:00:00.000Z', true) }, { kind: 'overdue' }],
    ['answered in time', { status: 'ANSWERED', firstResponseAt: '2026-03-02T10:00:00.000Z', sla: due('2026-03-02T11:00:00.000Z') }, null],
    [
      'answered late, open again',
      { status: 'OPEN', firstResponseAt: '2026-03-02T11:30:00.000Z', sla: due('2026-03-02T11:00:00.000Z', true) },
      { kind: 'late' },
    ],
    ['closed, even unanswered past due', { status: 'CLOSED', sla: due('2026-03-02T11:00:00.000Z', true) }, null],
  ])('%s', (_, ticket, mark) => {
    expect(slaMark(ticket, NOW)).toEqual(mark);
  });

  it.each<[number, ReturnType<typeof timeLeft>]>([
    [1_000, [1, 'minute']],
    [59 * 60_000 + 59_000, [59, 'minute']],
    [3600_000, [1, 'hour']],
    [2 * 3600_000 + 59 * 60_000, [2, 'hour']],
    [47 * 3600_000, [47, 'hour']],
    [3 * 24 * 3600_000 + 1, [3, 'day']],
  ])('%i ms left reads as %j, never later than due', (ms, left) => {
    expect(timeLeft(ms)).toEqual(left);
  });
});

describe('the list in the URL', () => {
  const params = (query: string) => new URLSearchParams(query);

  it.each([
    ['', {}],
    ['view=overdue', { slaBreached: true, notClosed: true }],
    ['view=overdue&status=CLOSED', { slaBreached: true, status: 'CLOSED' }],
    ['view=mine&category=BILLING', { assigneeId: 'me', notClosed: true, category: 'BILLING' }],
    ['view=unassigned&q=%23123', { unassigned: true, notClosed: true, search: '123' }],
    ['view=everything&status=LOST', {}],
  ])('?%s filters %j', (query, filter) => {
    expect(filterFromParams(params(query), 'me')).toEqual(filter);
  });

  it.each([
    ['', 'UPDATED_DESC'],
    ['sort=UPDATED_ASC', 'UPDATED_ASC'],
    ['sort=CREATED_DESC', 'CREATED_DESC'],
    ['sort=CREATED_ASC&view=mine', 'CREATED_ASC'],
    ['sort=created', 'UPDATED_DESC'],
  ])('?%s orders %s', (query, order) => {
    expect(orderFromParams(params(query))).toBe(order);
  });

  it('keeps the list a ticket was opened from in its address, and reads it back', () => {
    const list = params('view=mine&sort=CREATED_ASC&q=a b&c');
    const path = ticketPathInList('t1', list);
    const [pathname, query] = path.split('?');
    expect(pathname).toBe('/admin/support/t1');
    expect(listParamsOf(params(query))!.toString()).toBe(list.toString());
    expect(listParamsOf(params(''))).toBeNull();
  });
});

describe('the next ticket of a list', () => {
  const rows = ['a', 'b', 'c'].map((id) => ({ id }));
  it.each<[string, string, string | null, string | null]>([
    ['the one after the current', 'a', null, 'b'],
    ['none after the last loaded row', 'c', null, null],
    ['what followed the current before it left the list', 'gone', 'c', 'c'],
    ['the first when what followed left too', 'gone', 'lost', 'a'],
  ])('%s', (_, current, followed, next) => {
    expect(nextInList(rows, current, followed)?.id ?? null).toBe(next);
  });
});
