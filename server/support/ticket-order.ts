import { registerEnumType } from 'type-graphql';
import { badInput } from '../errors';
import { isUuid } from './support-input';
import type { SupportTicket } from './ticket.entity';

/**
 * The orders of the team's ticket list (docs/architecture.md §8, "Orders"). Tickets are numbered as
 * they are created, so the creation order is the ticket number's: one index per list serves both.
 */
export enum SupportTicketOrder {
  UPDATED_DESC = 'UPDATED_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  CREATED_ASC = 'CREATED_ASC',
}
registerEnumType(SupportTicketOrder, {
  name: 'SupportTicketOrder',
  description: 'The order of a list of tickets; each has its own cursors.',
  valuesConfig: {
    UPDATED_DESC: { description: 'Most recently updated first (the default).' },
    UPDATED_ASC: { description: 'Least recently updated first.' },
    CREATED_DESC: { description: 'Newest first: highest ticket number first (numbers are given in order of creation).' },
    CREATED_ASC: { description: 'Oldest first: lowest ticket number first.' },
  },
});

/** How one order reads: the SQL sort key, the keyset condition after a cursor, and its cursors. */
export interface Keyset {
  orderBy: Record<string, 'ASC' | 'DESC'>;
  /** The rows after the cursor in this order, on tickets aliased `t`. */
  after: string;
  encode(ticket: SupportTicket): string;
  /** The cursor's parameters, or null when it is not one this order issued. */
  decode(text: string): Record<string, unknown> | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NUMBER_CURSOR = /^n(\d{1,10})$/;

// `updated_at|id`, as cursors were before there were orders, so cursors already issued stay valid.
const byUpdate = (direction: 'ASC' | 'DESC'): Keyset => ({
  orderBy: { 't.updated_at': direction, 't.id': direction },
  after: `(t.updated_at, t.id) ${direction === 'DESC' ? '<' : '>'} (:cursorAt, :cursorId)`,
  encode: (ticket) => `${ticket.updatedAt.toISOString()}|${ticket.id}`,
  decode(text) {
    const [iso, id] = text.split('|');
    const at = new Date(iso);
    // Only an instant as encode writes it: PostgreSQL cannot hold every JavaScript date (year -271821).
    const issued = ISO_INSTANT.test(iso ?? '') && !Number.isNaN(at.getTime()) && at.toISOString() === iso;
    return issued && id && isUuid(id) ? { cursorAt: at, cursorId: id } : null;
  },
});

const byNumber = (direction: 'ASC' | 'DESC'): Keyset => ({
  orderBy: { 't.ticket_number': direction },
  after: `t.ticket_number ${direction === 'DESC' ? '<' : '>'} :cursorNumber`,
  encode: (ticket) => `n${ticket.ticketNumber}`,
  decode(text) {
    const number = NUMBER_CURSOR.exec(text);
    return number && Number(number[1]) <= 2 ** 31 - 1 ? { cursorNumber: Number(number[1]) } : null;
  },
});

const KEYSETS: Record<SupportTicketOrder, Keyset> = {
  UPDATED_DESC: byUpdate('DESC'),
  UPDATED_ASC: byUpdate('ASC'),
  CREATED_DESC: byNumber('DESC'),
  CREATED_ASC: byNumber('ASC'),
};

export function keysetOf(order: SupportTicketOrder | null | undefined): Keyset {
  const keyset = order == null ? KEYSETS.UPDATED_DESC : KEYSETS[order];
  if (!keyset) throw badInput('orderBy', 'orderBy must be one of UPDATED_DESC, UPDATED_ASC, CREATED_DESC, CREATED_ASC');
  return keyset;
}

export const encodeCursor = (keyset: Keyset, ticket: SupportTicket) => Buffer.from(keyset.encode(ticket)).toString('base64url');

/** The parameters of `keyset.after` for a cursor; a cursor of another order (or none we issued) is refused. */
export function decodeCursor(keyset: Keyset, cursor: string): Record<string, unknown> {
  const parameters = keyset.decode(Buffer.from(cursor, 'base64url').toString());
  if (!parameters) throw badInput('after', 'after is not a valid cursor for this orderBy');
  return parameters;
}
