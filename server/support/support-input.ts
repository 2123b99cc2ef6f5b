import { MAX_PAGE_SIZE, MAX_REPLIES_PAGE_SIZE, REPLIES_PAGE_SIZE } from '../contract';
import { badInput } from '../errors';
import { SupportTicket } from './ticket.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Ids are UUIDs; anything else names nothing, and is never sent to the database's uuid type. */
export const isUuid = (id: string) => UUID.test(id);

/** PostgreSQL text cannot hold NUL; such input is refused rather than failing in the database. */
export function refuseNul(field: string, value: string): string {
  if (value.includes('\0')) throw badInput(field, `${field} must not contain NUL characters`);
  return value;
}

/** Trimmed text of 1 to `max` characters. */
export function requireText(field: string, value: string, max: number): string {
  const text = refuseNul(field, value).trim();
  if (!text) throw badInput(field, `${field} must not be blank`);
  if (text.length > max) throw badInput(field, `${field} must be at most ${max.toLocaleString('en')} characters`);
  return text;
}

export function requirePageSize(first: number | null | undefined): number {
  const size = first ?? 25;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  return size;
}

/** A page of a conversation: the `last` replies before the reply `before` (or the latest). */
export interface RepliesPage {
  last?: number | null;
  before?: string | null;
}

export function requireRepliesPage({ last, before }: RepliesPage): { last: number; before: string | null } {
  const size = last ?? REPLIES_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_REPLIES_PAGE_SIZE)
    throw badInput('last', `last must be between 1 and ${MAX_REPLIES_PAGE_SIZE}`);
  if (before != null && !isUuid(before)) throw badInput('before', 'before must be the id of a reply');
  return { last: size, before: before ?? null };
}

/** Where a page of tickets (newest `updated_at` first) ended. */
export interface TicketCursor {
  updatedAt: Date;
  id: string;
}

export function encodeCursor(ticket: SupportTicket): string {
  return Buffer.from(`${ticket.updatedAt.toISOString()}|${ticket.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): TicketCursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const updatedAt = new Date(iso);
  // Only an instant as encodeCursor writes it: PostgreSQL cannot hold every JavaScript date (year -271821).
  const issued = ISO_INSTANT.test(iso ?? '') && !Number.isNaN(updatedAt.getTime()) && updatedAt.toISOString() === iso;
  if (!id || !isUuid(id) || !issued) throw badInput('after', 'after is not a valid cursor');
  return { updatedAt, id };
}
