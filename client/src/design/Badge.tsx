interface BadgeProps {
  count: number;
  /** Spoken text, e.g. "3 unread replies". */
  label: string;
  tone?: 'alert' | 'soft' | 'neutral';
  max?: number;
}

/** A count pill; renders nothing at zero. */
export function Badge({ count, label, tone = 'alert', max = 99 }: BadgeProps) {
  if (!count || count <= 0) return null;
  const cls = tone === 'alert' ? 'badge' : `badge badge--${tone}`;
  return (
    <span className={cls} aria-label={label} title={label} data-testid="badge">
      {count > max ? `${max}+` : count}
    </span>
  );
}
