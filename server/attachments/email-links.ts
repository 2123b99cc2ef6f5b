import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import type { SessionService } from '../auth/session.service';
import { ATTACHMENT_LINK_DAYS } from '../contract';
import type { SigningKeys } from '../security/signing-keys';
import { Attachment } from './attachment.entity';
import type { AttachmentService } from './attachments.service';
import { readLink, signLink } from './signed-links';

/** A file as an email lists it. */
export interface EmailedFile {
  id: string;
  replyId: string;
  name: string;
  size: number;
}

export type LinkedFile = { kind: 'file'; attachment: Attachment; body: Readable } | { kind: 'expired' } | { kind: 'invalid' };

/**
 * The download links in emails (docs/architecture.md §7): signed for one recipient and one file,
 * valid for ATTACHMENT_LINK_DAYS. Opening one needs no sign-in, but the file is read as its
 * recipient, in a session of their own, through the same scoped query and row-level security as
 * any download: a link never reaches a file its recipient could not open in the web app (an
 * internal note's, for a customer), and a file its recipient lost access to is gone for the link too.
 */
export class EmailFileLinks {
  constructor(
    private readonly keys: SigningKeys,
    private readonly attachments: AttachmentService,
    private readonly sessions: Pick<SessionService, 'actAs'>,
    /** The owner's connections: the recipient's role is read for no session. */
    private readonly system: DataSource,
  ) {}

  /** When links made now stop working. */
  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + ATTACHMENT_LINK_DAYS * 24 * 60 * 60 * 1000);
  }

  /** The path (from the public origin) of `file` for `recipientId`, until `expiresAt`. */
  async pathFor(file: Pick<EmailedFile, 'id' | 'name'>, recipientId: string, expiresAt: Date): Promise<string> {
    const token = signLink(await this.keys.key('attachment-links'), { attachmentId: file.id, userId: recipientId, expiresAt });
    return `/email/attachments/${token}/${encodeURIComponent(file.name)}`;
  }

  /** The files of replies, in upload order, read on the caller's (owner's) transaction by the email jobs. */
  async filesOf(manager: EntityManager, replyIds: string[]): Promise<EmailedFile[]> {
    if (!replyIds.length) return [];
    return manager.query(`SELECT id, reply_id AS "replyId", name, size FROM attachments WHERE reply_id = ANY($1) ORDER BY created_at, id`, [
      replyIds,
    ]);
  }

  async open(token: string, now = new Date()): Promise<LinkedFile> {
    const reading = readLink(await this.keys.key('attachment-links'), token, now);
    if (reading.kind !== 'valid') return reading;
    const [user] = await this.system.query(`SELECT id, role FROM users WHERE id = $1`, [reading.userId]);
    const found =
      user &&
      (await this.sessions.actAs(user.id, (sessionKey) =>
        this.attachments.open({ id: user.id, role: user.role, sessionKey }, reading.attachmentId, 'file'),
      ));
    return found ? { kind: 'file', ...found } : { kind: 'invalid' };
  }
}
