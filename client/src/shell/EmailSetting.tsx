import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { SetNotificationPreferencesDocument } from '../gql/graphql';
import { useViewer } from '../auth/session';

/** The one notification setting: emails on or off (the returned user updates the cached viewer). */
export function EmailSetting() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [save, { loading }] = useMutation(SetNotificationPreferencesDocument);
  return (
    <label className="topbar__setting" title={t('shell.emailMe')}>
      <input
        type="checkbox"
        checked={viewer.emailNotifications}
        disabled={loading}
        onChange={(event) => void save({ variables: { email: event.target.checked } })}
      />
      {/* On a phone the words give way to an envelope; screen readers still read the words. */}
      <span className="topbar__setting-icon" aria-hidden="true">
        ✉
      </span>
      <span className="topbar__setting-text">{t('shell.emailMe')}</span>
    </label>
  );
}
