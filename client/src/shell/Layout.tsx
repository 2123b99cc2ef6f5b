import { useState, type ReactNode } from 'react';
import { Link, NavLink } from 'react-router';
import { useSubscription } from '@apollo/client/react';
import { Badge } from '../design';
import { SupportBadgeDocument } from '../gql/graphql';
import { useSession, useViewer } from '../auth/session';
import { useLiveState } from '../lib/live-state';
import { LexMark } from './LexMark';

function SupportBadge({ admin }: { admin: boolean }) {
  const { data } = useSubscription(SupportBadgeDocument);
  const count = data?.supportBadge ?? 0;
  return (
    <Badge
      count={count}
      label={admin ? `${count} open ${count === 1 ? 'ticket' : 'tickets'}` : `${count} unread ${count === 1 ? 'reply' : 'replies'}`}
    />
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  const { signOut, isAdmin } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const home = isAdmin ? '/admin/support' : '/support';
  const live = useLiveState();

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to={home} className="brand" aria-label="Lex Support home">
            <LexMark />
            <span className="brand__name">
              Lex <span className="brand__product">Support</span>
            </span>
          </Link>
          <nav className="topnav" aria-label="Main">
            <NavLink to={home} className="topnav__link" end={false}>
              <span>Support</span>
              <SupportBadge admin={isAdmin} />
            </NavLink>
          </nav>
          {live === 'reconnecting' && (
            <span className="live-pill" role="status">
              <span className="live-pill__dot" aria-hidden="true" />
              Reconnecting…
            </span>
          )}
          <div className="topbar__user">
            <span className="topbar__who">
              <span className="topbar__name">{viewer.name}</span>
              <span className="topbar__org">{isAdmin ? 'Lex team' : viewer.tenant?.name}</span>
            </span>
            <button
              type="button"
              className="topbar__signout"
              disabled={signingOut}
              onClick={() => {
                setSigningOut(true);
                void signOut().finally(() => setSigningOut(false));
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
