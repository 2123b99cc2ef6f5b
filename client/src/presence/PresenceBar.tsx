import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityPersonFieldsFragment } from '../gql/graphql';
import { useAnnounce } from '../shell/announcer';
import { initials, typingLines } from './presence-text';

/** The same typist is read out again only after this long. */
const ANNOUNCE_AGAIN_MS = 30_000;

interface PresenceBarProps {
  /** False until the subscription told the current state. */
  loaded: boolean;
  viewers: ActivityPersonFieldsFragment[];
  typing: ActivityPersonFieldsFragment[];
  /** The Lex team sees names and notes; a customer only "Lex team is typing…". */
  team: boolean;
}

/**
 * Who else is on the ticket page, above the composer. Screen readers hear when someone starts
 * typing (once per person per half minute) and when a colleague opens the ticket, through the app's
 * polite live region; the bar itself is not live, so its changes are never read out twice.
 */
export function PresenceBar({ loaded, viewers, typing, team }: PresenceBarProps) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const lines = typingLines(typing, team);

  const announced = useRef(new Map<string, number>());
  useEffect(() => {
    const now = Date.now();
    for (const line of lines) {
      const last = announced.current.get(line.key);
      if (last === undefined || now - last > ANNOUNCE_AGAIN_MS) {
        announced.current.set(line.key, now);
        announce(t(line.text, line.values));
      }
    }
  }, [lines, announce, t]);

  // Those already here when the page opened are shown, not announced; colleagues who come later are.
  const greeted = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!loaded) return;
    if (!greeted.current) {
      greeted.current = new Set(viewers.map((p) => p.id));
      return;
    }
    for (const person of viewers) {
      if (greeted.current.has(person.id)) continue;
      greeted.current.add(person.id);
      if (team) announce(t('presence.opened', { name: person.name }));
    }
  }, [loaded, viewers, team, announce, t]);

  if (!team && lines.length === 0) return <div className="presence presence--empty" />;
  return (
    <div className="presence" data-testid="presence">
      <div className="presence__typing">
        {lines.map((line) => (
          <span key={line.key} className={`presence__line${line.internal ? ' presence__line--note' : ''}`} data-testid="typing">
            <span className="presence__dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {t(line.text, line.values)}
          </span>
        ))}
      </div>
      {team && viewers.length > 0 && (
        <div className="presence__viewers">
          <span className="presence__label">{t('presence.alsoHere')}</span>
          <ul className="presence__people" aria-label={t('presence.alsoHere')}>
            {viewers.map((p) => (
              <li
                key={p.id}
                className={`avatar${p.isAdmin ? '' : ' avatar--customer'}`}
                title={p.isAdmin ? p.name : t('presence.customer', { name: p.name })}
                data-testid="viewer"
              >
                <span aria-hidden="true">{initials(p.name)}</span>
                <span className="sr-only">{p.isAdmin ? p.name : t('presence.customer', { name: p.name })}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
