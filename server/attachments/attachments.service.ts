import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import sharp from 'sharp';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, Viewer } from '../auth/viewer';
import { THUMBNAIL_WIDTH, UNATTACHED_UPLOAD_HOURS } from '../contract';
import { hydrate } from '../db/hydrate';
import { SessionHolder, readAsViewer, withViewer } from '../db/viewer-transaction';
import { isUuid } from '../support/support-input';
import { visibleReplies } from '../support/ticket-queries';
import { Attachment } from './attachment.entity';
import { sniffFileKind } from './file-kind';
import { AttachmentStorage } from './storage';

/** A received file, whole on local disk, and what its bytes are. */
export interface ReceivedFile {
  path: string;
  name: string;
  contentType: string;
  image: boolean;
}

/** Why a file was refused: its type, its size, an image that does not decode, or a malformed upload. */
export type RefusalReason = 'type' | 'size' | 'unreadable' | 'form';

/** An upload refused for what it is, with the message for the person who sent it. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: RefusalReason = 'form',
  ) {
    super(message);
  }
}

/** A file received whole into a temporary file, not yet checked: what POST /uploads and mail in hand over. */
export interface ArrivedFile {
  path: string;
  name: string;
  /** The first bytes, for deciding what the file is. */
  head: Buffer;
}

const SHARP_FORMATS: Record<string, keyof sharp.FormatEnum> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
// A decompression bomb (a small file of a huge image) is refused before it is decoded.
const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * The attachments a viewer may see: their own uploads not yet attached, and the files of the
 * replies they may see (so whatever hides a reply hides its files). Row-level security repeats it.
 */
function visibleAttachments(manager: EntityManager, viewer: Actor) {
  const [replies, parameters] = visibleReplies(manager, viewer).select('r.id').getQueryAndParameters();
  const n = parameters.length;
  return {
    where: `((a.reply_id IS NULL AND a.uploader_id = $${n + 1}) OR a.reply_id IN (${replies}))`,
    parameters: [...parameters, viewer.id],
  };
}

/**
 * Counts what passes through, so the stored size is the size of what was stored. Counted as the
 * storage reads, never by a 'data' listener: that would start the flow before the storage is
 * listening (it first makes its folder) and lose what passed in between.
 */
function counted(source: Readable) {
  const counter = { bytes: 0 };
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  });
  source.on('error', (error) => tap.destroy(error));
  return { stream: source.pipe(tap), counter };
}

/** Storing uploads, reading them back for those who may see them, and clearing uploads never attached. */
export class AttachmentService {
  constructor(
    private readonly db: DataSource,
    private readonly system: DataSource,
    private readonly storage: AttachmentStorage,
  ) {}

  /**
   * The checks every file passes, from the web or from mail: its type from its bytes (refused with
   * 415 naming the file), then `store`. The caller has kept it within ATTACHMENT_MAX_MB.
   */
  async accept(uploader: Actor & SessionHolder, file: ArrivedFile): Promise<Attachment> {
    const kind = await sniffFileKind(file.head, file.name);
    if (!kind.allowed) throw new UploadRefused(415, `${file.name} is ${kind.described}, which cannot be attached`, 'type');
    return this.store(uploader, { path: file.path, name: file.name, contentType: kind.contentType, image: kind.image });
  }

  /**
   * Stores a received file for its uploader. Images are decoded and encoded again: EXIF (camera
   * location) and anything appended to the image (a polyglot's payload) are left behind, and a
   * thumbnail is made.
   */
  async store(viewer: Actor & SessionHolder, file: ReceivedFile): Promise<Attachment> {
    const key = randomUUID();
    const thumbnailKey = file.image ? `${key}.webp` : null;
    const stored: string[] = [];
    const unreadable = () =>
      new UploadRefused(415, `${file.name} is not an image that can be read, so it cannot be attached`, 'unreadable');
    const decoder = (options: sharp.SharpOptions = {}) => sharp(file.path, { ...options, limitInputPixels: MAX_IMAGE_PIXELS });
    // An image libvips cannot decode is the sender's problem (415), not the server's. Its output is
    // taken as a buffer: sharp makes the whole output before it streams any of it anyway.
    const encode = (image: sharp.Sharp) => image.toBuffer().catch(() => Promise.reject(unreadable()));
    try {
      let size: number;
      if (file.image) {
        const format = SHARP_FORMATS[file.contentType];
        const animated = format === 'gif' || format === 'webp';
        const clean = await encode(decoder({ animated }).rotate().toFormat(format));
        const thumbnail = await encode(
          decoder()
            .rotate()
            .resize({ width: THUMBNAIL_WIDTH, height: THUMBNAIL_WIDTH, fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 80 }),
        );
        await this.storage.put(key, Readable.from([clean])).finally(() => stored.push(key));
        await this.storage.put(thumbnailKey!, Readable.from([thumbnail])).finally(() => stored.push(thumbnailKey!));
        size = clean.length;
      } else {
        const { stream, counter } = counted(createReadStream(file.path));
        await this.storage.put(key, stream).finally(() => stored.push(key));
        size = counter.bytes;
      }
      return await withViewer(this.db, viewer, async (manager) => {
        const [row] = await manager.query(
          `INSERT INTO attachments (id, uploader_id, name, size, content_type, storage_key, thumbnail_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [key, viewer.id, file.name, size, file.contentType, key, thumbnailKey],
        );
        return hydrate(manager, Attachment, row);
      });
    } catch (error) {
      await Promise.all(stored.map((k) => this.storage.delete(k).catch(() => undefined)));
      throw error;
    }
  }

  /** The files of each of many replies, in upload order (for the per-request loaders). */
  async ofReplies(viewer: Viewer, replyIds: readonly string[]): Promise<Attachment[]> {
    return readAsViewer(this.db, viewer, async (manager) => {
      const { where, parameters } = visibleAttachments(manager, viewer);
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT a.* FROM attachments a WHERE a.reply_id = ANY($${parameters.length + 1}) AND ${where} ORDER BY a.created_at, a.id`,
        [...parameters, replyIds],
      );
      return rows.map((row) => hydrate(manager, Attachment, row));
    });
  }

  /** The file (or its thumbnail) for a viewer who may see it; null alike for a missing and a hidden one. */
  async open(
    viewer: Actor & SessionHolder,
    id: string,
    part: 'file' | 'thumbnail',
  ): Promise<{ attachment: Attachment; body: Readable } | null> {
    if (!isUuid(id)) return null;
    const attachment = await readAsViewer(this.db, viewer, async (manager) => {
      const { where, parameters } = visibleAttachments(manager, viewer);
      const [row] = await manager.query(`SELECT a.* FROM attachments a WHERE a.id = $${parameters.length + 1} AND ${where}`, [
        ...parameters,
        id,
      ]);
      return row ? hydrate(manager, Attachment, row) : null;
    });
    const key = part === 'file' ? attachment?.storageKey : attachment?.thumbnailKey;
    if (!attachment || !key) return null;
    const body = await this.storage.get(key);
    return body && { attachment, body };
  }

  /**
   * Deletes uploads never attached within 24 hours, a batch at a time. The rows are locked with
   * SKIP LOCKED, so instances sweeping together take different rows, and a message attaching one
   * of them waits for the sweep (and then finds it gone) instead of keeping a deleted file.
   */
  async sweepUnattached(batch = 100): Promise<number> {
    return this.system.transaction(async (manager) => {
      const rows: { id: string; storage_key: string; thumbnail_key: string | null }[] = await manager.query(
        `SELECT id, storage_key, thumbnail_key FROM attachments
          WHERE reply_id IS NULL AND created_at < now() - make_interval(hours => $1)
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [UNATTACHED_UPLOAD_HOURS, batch],
      );
      if (!rows.length) return 0;
      await this.deleteStored(rows);
      await manager.query(`DELETE FROM attachments WHERE id = ANY($1)`, [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  /**
   * Deletes those of `ids` still unattached, with their files: what a write that failed, or turned
   * out to be a repeat, did not take.
   */
  async discardUnattached(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const rows: { storage_key: string; thumbnail_key: string | null }[] = await this.system.query(
      // As a SELECT, so that the driver answers with the rows (a bare DELETE answers [rows, count]).
      `WITH gone AS (DELETE FROM attachments WHERE id = ANY($1) AND reply_id IS NULL RETURNING storage_key, thumbnail_key)
       SELECT * FROM gone`,
      [ids],
    );
    await this.deleteStored(rows);
  }

  private async deleteStored(rows: { storage_key: string; thumbnail_key: string | null }[]) {
    await Promise.all(
      rows
        .flatMap((row) => [row.storage_key, row.thumbnail_key])
        .filter((key): key is string => !!key)
        .map((key) => this.storage.delete(key)),
    );
  }

  /** At shutdown, after the last request and job. */
  close(): void {
    this.storage.close();
  }
}
