import type { Logger } from '../logger';
import type { AttachmentService } from './attachments.service';

const EVERY_MS = 10 * 60 * 1000;

/**
 * Deletes uploads never attached, every ten minutes on every instance (the sweep's row locks keep
 * instances apart). A stand-in until the job queue exists; returns the function that stops it.
 */
export function sweepUnattachedUploads(attachments: AttachmentService, log: Logger, everyMs = EVERY_MS): () => void {
  const sweep = async () => {
    try {
      let deleted: number;
      do deleted = await attachments.sweepUnattached();
      while (deleted > 0);
    } catch (error) {
      log.warn({ err: error }, 'the sweep of unattached uploads failed; it runs again later');
    }
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
