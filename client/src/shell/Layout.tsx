import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useLocation } from 'react-router';
import { useSubscription } from '@apollo/client/react';
import { Badge } from '../design';
import { SupportBadgeDocument } from '../gql/graphql';
import { useSession, useViewer } from '../auth/session';
import { useLiveState } from '../lib/live-state';
import { UnreadContext } from '../lib/useTitle';
import { EmailSetting } from './EmailSetting';
import { useHeadingFocusOnNavigate } from './focus';
import { LanguageSwitch } from './LanguageSwitch';
import { LexMark } from './LexMark';
import { useTeamUnread } from './unread';
import { REPORTS_PATH } from '../reports/paths';

export function Layout({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  const { signOut, isAdmin } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const home = isAdmin ? '/admin/support' : '/support';
  const live = useLiveState();
  const { t } = useTranslation();
  // The badge: open tickets for the Lex team, unread replies for a customer; the tab title: unread for both.
  const badge = useSubscription(SupportBadgeDocument).data?.supportBadge ?? 0;
  const teamUnread = useTeamUnread(isAdmin);
  const main = useRef<HTMLElement>(null);
  const onReports = useLocation().pathname.startsWith(REPORTS_PATH);
  useHeadingFocusOnNavigate(main);

  return (
    <UnreadContext.Provider value={isAdmin ? teamUnread : badge}>
      <div className="app">
        <a className="skip-link" href="#main">
          {t('shell.skip')}
        </a>
        <header className="topbar">
          <div className="topbar__inner">
            {/* Named by its words, which a phone hides only visually (label-content-name-mismatch). */}
            <Link to={home} className="brand">
              <LexMark />
              <span className="brand__name">
                Lex <span className="brand__product">Support</span>
              </span>
            </Link>
            <nav className="topnav" aria-label={t('shell.nav')}>
              <NavLink to={home} className={({ isActive }) => `topnav__link${isActive && !onReports ? ' active' : ''}`} end={false}>
                <span>{t('shell.support')}</span>
                <Badge count={badge} label={t(isAdmin ? 'shell.openTickets' : 'shell.unreadReplies', { count: badge })} />
              </NavLink>
              {isAdmin && (
                // On a phone the dashboard's own link leads here: the top bar keeps one row (app.css).
                <NavLink to={REPORTS_PATH} className="topnav__link topnav__link--wide">
                  <span>{t('shell.reports')}</span>
                </NavLink>
              )}
            </nav>
            {live === 'reconnecting' && (
              <span className="live-pill" role="status">
                <span className="live-pill__dot" aria-hidden="true" />
                {t('shell.reconnecting')}
              </span>
            )}
            <div className="topbar__user">
              <LanguageSwitch compact />
              <span className="topbar__who">
                <span className="topbar__name">{viewer.name}</span>
                <span className="topbar__org">{isAdmin ? t('common.lexTeam') : viewer.tenant?.name}</span>
              </span>
              <EmailSetting />
              <button
                type="button"
                className="topbar__signout"
                disabled={signingOut}
                onClick={() => {
                  setSigningOut(true);
                  void signOut().finally(() => setSigningOut(false));
                }}
              >
                {t('shell.signOut')}
              </button>
            </div>
          </div>
        </header>
        <main id="main" className="main" tabIndex={-1} ref={main}>
          {children}
        </main>
      </div>
    </UnreadContext.Provider>
  );
}
