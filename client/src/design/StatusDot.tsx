import { useTranslation } from 'react-i18next';
import type { TicketStatus } from '../gql/graphql';
import { statusMeta } from '../support/status';

interface StatusDotProps {
  status: TicketStatus;
  className?: string;
}

/** A coloured dot that never stands alone: the label is always rendered. */
export function StatusDot({ status, className }: StatusDotProps) {
  useTranslation(); // speaks the app's language, and changes with it
  const meta = statusMeta(status);
  return (
    <span className={`status status--${meta.color} ${className ?? ''}`} data-status={status} title={meta.hint}>
      <span className="status__dot" aria-hidden="true" />
      <span className="status__label">{meta.label}</span>
    </span>
  );
}
