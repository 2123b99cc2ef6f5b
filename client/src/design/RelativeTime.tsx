import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from '../lib/time';
import { useNow } from '../lib/useNow';

/** "3 minutes ago", ticking; the exact time on hover and for machines. */
export function RelativeTime({ iso, prefix }: { iso: string; prefix?: string }) {
  const now = useNow();
  const { i18n } = useTranslation();
  return (
    <time dateTime={iso} title={formatDateTime(iso, i18n.language)}>
      {prefix}
      {formatRelative(iso, now, i18n.language)}
    </time>
  );
}
