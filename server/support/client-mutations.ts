import { EntityManager } from 'typeorm';
import { Actor } from '../auth/viewer';
import { badInput } from '../errors';
import { isUuid } from './support-input';

/**
 * Client mutation ids (the UUID a client sends with each submit and again with its retries): the
 * first attempt records what it wrote, a retry gets that back and writes nothing new.
 */

/** What the first attempt with an id wrote. */
export interface EarlierMutation {
  ticketId: string | null;
  replyId: string | null;
}

export function requireMutationId(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  if (!isUuid(id)) throw badInput('clientMutationId', 'clientMutationId must be a UUID');
  return id.toLowerCase();
}

export const mutationIdReused = () => badInput('clientMutationId', 'clientMutationId was already used for another request');

/**
 * Claims a client mutation id for this write; for a retry (the id is taken, possibly by a
 * concurrent attempt that just committed) it returns what the first attempt wrote.
 */
export async function claimMutationId(manager: EntityManager, viewer: Actor, mutationId: string | null): Promise<EarlierMutation | null> {
  if (!mutationId) return null;
  const [claimed] = await manager.query(`INSERT INTO client_mutations (user_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id`, [
    viewer.id,
    mutationId,
  ]);
  if (claimed) return null;
  const [earlier] = await manager.query(
    `SELECT ticket_id AS "ticketId", reply_id AS "replyId" FROM client_mutations WHERE user_id = $1 AND id = $2`,
    [viewer.id, mutationId],
  );
  return earlier;
}

/** Records what the write that claimed `mutationId` produced. */
export async function recordMutation(
  manager: EntityManager,
  viewer: Actor,
  mutationId: string | null,
  { ticketId, replyId }: EarlierMutation,
) {
  if (!mutationId) return;
  await manager.query(`UPDATE client_mutations SET ticket_id = $3, reply_id = $4 WHERE user_id = $1 AND id = $2`, [
    viewer.id,
    mutationId,
    ticketId,
    replyId,
  ]);
}
