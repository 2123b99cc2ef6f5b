import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface BubbleProps {
  side: 'left' | 'right';
  sender: string;
  team?: string;
  time: ReactNode;
  pending?: boolean;
  /** Plain text: rendered as text, never as markup. */
  message: string;
  /** Shown under the text: the message's files. */
  files?: ReactNode;
}

export function Bubble({ side, sender, team, time, pending, message, files }: BubbleProps) {
  const { t } = useTranslation();
  return (
    <div className={`bubble bubble--${side}${pending ? ' bubble--pending' : ''}`}>
      <div className="bubble__meta">
        <span className="bubble__sender">{sender}</span>
        {team && <span className="bubble__team">{team}</span>}
        <span className="bubble__time">{pending ? t('common.sending') : time}</span>
      </div>
      <div className="bubble__body">
        {message}
        {files}
      </div>
    </div>
  );
}
