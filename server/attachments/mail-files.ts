import type { Actor } from '../auth/viewer';
import type { AttachmentsConfig } from '../config';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../contract';
import type { SessionHolder } from '../db/viewer-transaction';
import { AttachmentService, UploadRefused } from './attachments.service';
import { sanitiseFileName } from './file-name';
import { ReceivedUpload, receiveBytes } from './receive-upload';

/** A file part of a mail, as mailparser gives it. */
export interface MailFile {
  filename?: string;
  content: Buffer;
}

/** Why a file of a mail was left out. */
export type NotAttachedReason = 'type' | 'size' | 'count' | 'unreadable';

export interface MailFilesIntake {
  /** The sender's new uploads, in the mail's order, for `attachmentIds`. */
  stored: string[];
  notAttached: Array<{ name: string; reason: NotAttachedReason }>;
}

/**
 * The files of mail in (docs/architecture.md §7): each through the checks of POST /uploads (size,
 * type from the bytes, images re-encoded without EXIF and given a thumbnail), stored as the
 * sender's uploads, at most MAX_ATTACHMENTS_PER_MESSAGE of them; a refused file is named with why,
 * and the mail goes on without it.
 */
export class MailFiles {
  constructor(
    private readonly attachments: AttachmentService,
    private readonly limits: Pick<AttachmentsConfig, 'maxBytes' | 'receivingDir'>,
  ) {}

  /** ATTACHMENT_MAX_MB in bytes, the largest file taken. */
  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /** A failure that is not a refusal (storage, database) leaves nothing stored and is thrown. */
  async receive(sender: Actor & SessionHolder, files: MailFile[]): Promise<MailFilesIntake> {
    const intake: MailFilesIntake = { stored: [], notAttached: [] };
    try {
      for (const file of files) {
        const name = sanitiseFileName(file.filename);
        if (intake.stored.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
          intake.notAttached.push({ name, reason: 'count' });
          continue;
        }
        let arrived: ReceivedUpload | undefined;
        try {
          arrived = await receiveBytes(file.content, file.filename, this.limits.maxBytes, this.limits.receivingDir);
          intake.stored.push((await this.attachments.accept(sender, arrived)).id);
        } catch (error) {
          if (!(error instanceof UploadRefused)) throw error;
          intake.notAttached.push({ name, reason: error.reason === 'form' ? 'type' : error.reason });
        } finally {
          await arrived?.discard();
        }
      }
    } catch (error) {
      // Should this fail too, what is left is unattached, and the clean-up job takes it within a day.
      await this.attachments.discardUnattached(intake.stored).catch(() => undefined);
      throw error;
    }
    return intake;
  }

  /** Deletes those of `ids` that the write did not attach (it failed, or the mail was a repeat). */
  discardUnattached(ids: string[]): Promise<void> {
    return this.attachments.discardUnattached(ids);
  }
}
