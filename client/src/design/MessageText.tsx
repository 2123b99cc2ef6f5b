import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { messagePieces } from '../lib/links';

/**
 * A message as people wrote it: text (line breaks kept by the bubble's `white-space`), with web and
 * email addresses as links. Every piece is a React text node or an anchor, never HTML.
 */
export function MessageText({ text }: { text: string }) {
  const { t } = useTranslation();
  const pieces = useMemo(() => messagePieces(text), [text]);
  return (
    <>
      {pieces.map((piece, i) =>
        'href' in piece ? (
          piece.email ? (
            <a key={i} className="message-link" href={piece.href} title={piece.text}>
              {piece.label}
            </a>
          ) : (
            <a key={i} className="message-link" href={piece.href} title={piece.text} target="_blank" rel="noopener noreferrer">
              {piece.label}
              <span className="sr-only"> {t('common.opensInNewTab')}</span>
            </a>
          )
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
