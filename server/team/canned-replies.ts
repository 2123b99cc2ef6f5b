import { DataSource } from 'typeorm';
import { Viewer, isSuperadmin } from '../auth/viewer';
import { CANNED_REPLY_VARIABLES, MAX_CANNED_TITLE_LENGTH, MAX_MESSAGE_LENGTH } from '../contract';
import { hydrate } from '../db/hydrate';
import { readAsViewer, withViewer } from '../db/viewer-transaction';
import { badInput, forbidden, notFound } from '../errors';
import { isUuid, requireText } from '../support/support-input';
import { CannedReply } from './canned-reply.entity';
import { unknownVariables } from './canned-variables';

/** The Lex team's canned replies (docs/architecture.md §8); row-level security keeps them the team's. */
export class CannedReplies {
  constructor(private readonly db: DataSource) {}

  async list(viewer: Viewer): Promise<CannedReply[]> {
    requireTeam(viewer);
    return readAsViewer(this.db, viewer, (manager) => manager.find(CannedReply, { order: { title: 'ASC', id: 'ASC' } }));
  }

  async save(viewer: Viewer, input: { id?: string | null; title: string; body: string }): Promise<CannedReply> {
    requireTeam(viewer);
    const title = requireText('title', input.title, MAX_CANNED_TITLE_LENGTH);
    const body = requireText('body', input.body, MAX_MESSAGE_LENGTH);
    const unknown = unknownVariables(body);
    if (unknown.length) {
      throw badInput(
        'body',
        `body uses unknown variables: ${unknown.map((name) => `{{${name}}}`).join(', ')}; known are ${CANNED_REPLY_VARIABLES.map((name) => `{{${name}}}`).join(', ')}`,
      );
    }
    if (input.id != null && !isUuid(input.id)) throw notFound('Canned reply');
    return withViewer(this.db, viewer, async (manager) => {
      const rows: Record<string, unknown>[] = input.id
        ? (
            await manager.query(`UPDATE canned_replies SET title = $2, body = $3, updated_at = now() WHERE id = $1 RETURNING *`, [
              input.id,
              title,
              body,
            ])
          )[0]
        : await manager.query(`INSERT INTO canned_replies (title, body) VALUES ($1, $2) RETURNING *`, [title, body]);
      if (!rows.length) throw notFound('Canned reply');
      return hydrate(manager, CannedReply, rows[0]);
    });
  }

  /** True when it was deleted, false when there was none with this id. */
  async delete(viewer: Viewer, id: string): Promise<boolean> {
    requireTeam(viewer);
    if (!isUuid(id)) return false;
    return withViewer(this.db, viewer, async (manager) => {
      const [, deleted] = await manager.query(`DELETE FROM canned_replies WHERE id = $1`, [id]);
      return deleted > 0;
    });
  }
}

function requireTeam(viewer: Viewer) {
  if (!isSuperadmin(viewer)) throw forbidden();
}
