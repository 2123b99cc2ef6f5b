import { formatDateTime, formatRelative } from '../lib/time';
import { useNow } from '../lib/useNow';

/** "3 minutes ago", ticking; the exact time on hover and for machines. */
export function RelativeTime({ iso, prefix }: { iso: string; prefix?: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {prefix}
      {formatRelative(iso, now)}
    </time>
  );
}
