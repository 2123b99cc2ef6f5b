import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/viewer';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../contract';
import { badInput } from '../errors';
import { isUuid } from '../support/support-input';

/** Checks the shape of `attachmentIds` before any transaction: at most 10 ids, each a UUID, each once. */
export function requireAttachmentIds(ids: readonly string[] | null | undefined): string[] {
  const list = [...(ids ?? [])];
  if (list.length > MAX_ATTACHMENTS_PER_MESSAGE)
    throw badInput('attachmentIds', `attachmentIds may name at most ${MAX_ATTACHMENTS_PER_MESSAGE} files per message`);
  if (new Set(list).size !== list.length) throw badInput('attachmentIds', 'attachmentIds names a file more than once');
  if (!list.every(isUuid)) throw badInput('attachmentIds', 'attachmentIds must name your own uploads, not yet attached to a message');
  return list;
}

/**
 * Attaches the author's own unattached uploads to a reply, in the transaction that inserted it.
 * The rows are locked first, so two messages cannot both take one upload, nor the clean-up of
 * unattached uploads delete one being attached.
 */
export async function attachUploads(manager: EntityManager, author: Actor, replyId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const locked: unknown[] = await manager.query(
    `SELECT id FROM attachments WHERE id = ANY($1) AND uploader_id = $2 AND reply_id IS NULL FOR UPDATE`,
    [ids, author.id],
  );
  if (locked.length !== ids.length)
    throw badInput('attachmentIds', 'attachmentIds must name your own uploads, not yet attached to a message');
  await manager.query(`UPDATE attachments SET reply_id = $1 WHERE id = ANY($2)`, [replyId, ids]);
}
