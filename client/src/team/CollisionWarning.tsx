import { useTranslation } from 'react-i18next';
import { Button } from '../design';
import { formatRelative } from '../lib/time';
import { useNow } from '../lib/useNow';
import type { Collision } from './collision';

/** The confirm step before a reply that may cross a colleague's (docs/architecture.md §8). */
export function CollisionWarning({ collision, onSend, onCancel }: { collision: Collision; onSend: () => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  let text: string;
  if (collision.kind === 'typing') {
    text = t(collision.internal ? 'collision.typingNote' : 'collision.typing', { name: collision.name });
  } else {
    const when = formatRelative(collision.at, now, i18n.language);
    const key = collision.customer ? 'collision.customerWrote' : collision.internal ? 'collision.noted' : 'collision.replied';
    text = t(key, { name: collision.name, when });
  }
  return (
    <div className="collision" role="alert" data-testid="collision">
      <p className="collision__text">
        {text} {t('collision.sendAnyway')}
      </p>
      <div className="collision__actions">
        <Button small variant="secondary" onClick={onCancel}>
          {t('collision.review')}
        </Button>
        <Button small onClick={onSend}>
          {t('collision.confirm')}
        </Button>
      </div>
    </div>
  );
}
