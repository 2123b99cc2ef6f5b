import { UNATTACHED_UPLOAD_HOURS } from '../contract';
import { JobTasks, RecurringPayload } from '../jobs/job-queue';
import type { AttachmentService } from './attachments.service';

declare module '../jobs/job-queue' {
  interface JobPayloads {
    /** Deletes uploads never attached to a message within UNATTACHED_UPLOAD_HOURS. */
    'attachments.cleanup': RecurringPayload;
  }
}

/** Every ten minutes, in UTC minutes 0, 10, 20…: an upload is gone at most ten minutes after its 24 hours. */
export const CLEANUP_CRONTAB = '*/10 * * * *';

/**
 * The clean-up of uploads never attached, a recurring job on the queue (docs/architecture.md §7):
 * one instance runs each tick, and the row locks of `sweepUnattached` keep even overlapping runs
 * apart. A tick missed while every instance was down runs at the next start.
 */
export function defineAttachmentJobs(tasks: JobTasks, attachments: AttachmentService): void {
  tasks.recurring(
    'attachments.cleanup',
    CLEANUP_CRONTAB,
    async ({ _cron }, { log }) => {
      let deleted = 0;
      let batch: number;
      do {
        batch = await attachments.sweepUnattached();
        deleted += batch;
      } while (batch > 0);
      log[deleted ? 'info' : 'debug']({ deleted, hours: UNATTACHED_UPLOAD_HOURS, tick: _cron?.ts }, 'Cleaned up uploads never attached');
    },
    { backfillMinutes: 10 },
  );
}
