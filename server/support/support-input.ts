import { MAX_PAGE_SIZE, MAX_REPLIES_PAGE_SIZE, REPLIES_PAGE_SIZE } from '../contract';
import { badInput } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** The page as requireRepliesPage reads it, or null where it would refuse it. */
export function validRepliesPage(page: RepliesPage): { last: number; before: string | null } | null {
  try {
    return requireRepliesPage(page);
  } catch {
    return null;
  }
}
