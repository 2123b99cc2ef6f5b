import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageText } from './MessageText';

interface BubbleProps {
  side: 'left' | 'right';
  sender: string;
  team?: string;
  time: ReactNode;
  pending?: boolean;
  /** The label of an internal note ("Internal note"): the bubble turns amber and says so. */
  note?: string;
  /** Plain text: rendered as text, never as markup. */
  message: string;
  /** Shown under the text: the message's files. */
  files?: ReactNode;
  /** A later bubble of the same sender's group: the name is read out but not shown again. */
  continued?: boolean;
}

export function Bubble({ side, sender, team, time, pending, note, message, files, continued }: BubbleProps) {
  const { t } = useTranslation();
  return (
    <div
      className={`bubble bubble--${side}${pending ? ' bubble--pending' : ''}${note ? ' bubble--note' : ''}${continued ? ' bubble--continued' : ''}`}
    >
      <div className="bubble__meta">
        {note && <span className={continued ? 'sr-only' : 'note-tag'}>{note}</span>}
        <span className={continued ? 'sr-only' : 'bubble__sender'}>{sender}</span>
        {team && !note && !continued && <span className="bubble__team">{team}</span>}
        <span className="bubble__time">{pending ? t('common.sending') : time}</span>
      </div>
      <div className="bubble__body">
        <MessageText text={message} />
        {files}
      </div>
    </div>
  );
}
